package dev.nin.train.record;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The test set class by class (类别): how many images of each class there are, how many of them the network
 * classified right, and how often it answered each class at all. A class it never answers is one whose score can
 * no longer win, e.g. because its channel of the last ReLU is zero for every image: the accuracy then misses that
 * class's tenth of the test set whatever the other nine do.
 */
public record ClassCounts(List<Integer> images, List<Integer> correct, List<Integer> predicted) {

    public ClassCounts {
        images = List.copyOf(images);
        correct = List.copyOf(correct);
        predicted = List.copyOf(predicted);
        if (correct.size() != images.size() || predicted.size() != images.size())
            throw new IllegalArgumentException("class counts of different lengths: " + images.size() + " images, "
                    + correct.size() + " correct, " + predicted.size() + " predicted");
        for (int c = 0; c < images.size(); c++)
            if (correct.get(c) < 0 || correct.get(c) > images.get(c) || correct.get(c) > predicted.get(c))
                throw new IllegalArgumentException("class " + c + ": " + correct.get(c) + " right of " + images.get(c)
                        + " images and " + predicted.get(c) + " answers");
    }

    /** Counts from labels and the network's answers (argmax of its scores), pair by pair. */
    public static ClassCounts of(int classes, int[] labels, int[] answers) {
        if (labels.length != answers.length)
            throw new IllegalArgumentException(labels.length + " labels but " + answers.length + " answers");
        int[] images = new int[classes], correct = new int[classes], predicted = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            images[labels[i]]++;
            predicted[answers[i]]++;
            if (labels[i] == answers[i]) correct[labels[i]]++;
        }
        return new ClassCounts(list(images), list(correct), list(predicted));
    }

    private static List<Integer> list(int[] a) {
        List<Integer> l = new ArrayList<>(a.length);
        for (int v : a) l.add(v);
        return l;
    }

    public int classes() {
        return images.size();
    }

    /** The fraction of class {@code c}'s images classified right (0 when there are none). */
    public double accuracy(int c) {
        return images.get(c) == 0 ? 0 : (double) correct.get(c) / images.get(c);
    }

    /**
     * "t-shirt 0.85, trouser 0.97, …; every class answered", or "…; never answered: sandal, shirt": each class's
     * accuracy to two places under {@code names} (label order), then the classes never answered.
     */
    public String summary(List<String> names) {
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < classes(); c++) parts.add(String.format(Locale.ROOT, "%s %.2f", names.get(c), accuracy(c)));
        List<Integer> never = neverAnswered();
        return String.join(", ", parts) + (never.isEmpty() ? "; every class answered"
                : "; never answered: " + String.join(", ", never.stream().map(names::get).toList()));
    }

    /** The classes the network never answered: their images are all classified wrong. */
    public List<Integer> neverAnswered() {
        List<Integer> l = new ArrayList<>();
        for (int c = 0; c < classes(); c++) if (predicted.get(c) == 0) l.add(c);
        return l;
    }
}
