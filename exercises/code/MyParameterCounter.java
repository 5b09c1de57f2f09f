import dev.nin.exercises.code.LearnerParameterCounter;
import dev.nin.model.LayerSpec;

/**
 * Exercise 3 in code: how many learnable numbers does one layer hold?
 * Use a switch with patterns: case LayerSpec.Conv2d c -> ...; case LayerSpec.Linear l -> ...; default -> ...
 * A Conv2d has inChannels(), outChannels(), kernel(); a Linear has inFeatures(), outFeatures().
 */
public class MyParameterCounter implements LearnerParameterCounter {
    @Override
    public long parameters(LayerSpec layer) {
        throw new UnsupportedOperationException("write me");
    }
}
