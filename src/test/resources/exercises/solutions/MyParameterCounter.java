import dev.nin.exercises.code.LearnerParameterCounter;
import dev.nin.model.LayerSpec;

public class MyParameterCounter implements LearnerParameterCounter {
    @Override
    public long parameters(LayerSpec layer) {
        return switch (layer) {
            case LayerSpec.Conv2d c -> (long) c.kernel() * c.kernel() * c.inChannels() * c.outChannels() + c.outChannels();
            case LayerSpec.Linear l -> (long) l.inFeatures() * l.outFeatures() + l.outFeatures();
            default -> 0;
        };
    }
}
