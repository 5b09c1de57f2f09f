import dev.nin.exercises.code.LearnerNinBlock;
import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import dev.nin.model.Stage;
import java.util.List;

/** Wrong on purpose: "same" padding k/2 instead of the padding asked for. */
public class MyNinBlock implements LearnerNinBlock {
    @Override
    public Stage block(int inChannels, int outChannels, int kernel, int stride, int padding) {
        return new Stage("NinBlock", List.of(
                new Conv2d(inChannels, outChannels, kernel, stride, kernel / 2), new ReLU(),
                new Conv2d(outChannels, outChannels, 1, 1, 0), new ReLU()));
    }
}
