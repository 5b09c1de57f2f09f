import dev.nin.exercises.code.LearnerHead;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.Stage;
import java.util.List;

/**
 * Exercise 4 in code: replace NiN's last block by a head that goes from inChannels (384) to classes (10)
 * channels in ONE step, keeping the 5×5 grid, so global average pooling still gives one score per class.
 */
public class MyHead implements LearnerHead {
    @Override
    public Stage head(int inChannels, int classes) {
        throw new UnsupportedOperationException("write me");
    }
}
