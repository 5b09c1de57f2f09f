import dev.nin.exercises.code.LearnerGlobalPooling;

public class MyGlobalPooling implements LearnerGlobalPooling {
    @Override
    public float[] pool(float[] x, int n, int c, int h, int w) {
        float[] y = new float[n * c];
        for (int i = 0; i < n * c; i++) {
            double sum = 0;
            for (int p = 0; p < h * w; p++) sum += x[i * h * w + p];
            y[i] = (float) (sum / (h * w));
        }
        return y;
    }
}
