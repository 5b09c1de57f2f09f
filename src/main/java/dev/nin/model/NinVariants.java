package dev.nin.model;

import dev.nin.model.LayerSpec.Conv2d;
import dev.nin.model.LayerSpec.ReLU;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The networks the chapter's exercises ask about: NiN with one change each. Each is made by editing the
 * chapter's {@link Nin#spec()}, so everything the exercise does not change stays the chapter's network.
 */
public final class NinVariants {

    /** The name of a stage that replaces NiN's last block. */
    public static final String HEAD = "Head";

    /** One network the exercises ask about: the exercise's number (as in d2l), its change in words, and the network. */
    public record Variant(int exercise, String change, NetworkSpec spec) {
        public String name() {
            return spec.name();
        }
    }

    private NinVariants() {
    }

    /** Every variant, in the order the exercises chapter discusses them. */
    public static List<Variant> all() {
        NetworkSpec nin = Nin.spec();
        return List.of(
                new Variant(2, "each block keeps one of its two 1×1 convolutions", oneOneByOnePerBlock(nin)),
                new Variant(4, "the last block is only its 3×3 convolution 384 → 10 and ReLU", convolutionHead(nin)),
                new Variant(4, "the last block is one 1×1 convolution 384 → 10 and ReLU", oneByOneHead(nin)),
                new Variant(4, "the last block has no final ReLU: class scores may be negative", withoutFinalRelu(nin)));
    }

    // tag::names[]
    /** The names {@code ./nin train --variant} takes, each with the edit that makes it from NiN; "nin" is the chapter's. */
    private static final Map<String, UnaryOperator<NetworkSpec>> BY_NAME = new LinkedHashMap<>();

    static {
        BY_NAME.put("nin", net -> net);
        BY_NAME.put("one-1x1", NinVariants::oneOneByOnePerBlock);
        BY_NAME.put("head-3x3", NinVariants::convolutionHead);
        BY_NAME.put("head-1x1", NinVariants::oneByOneHead);
        BY_NAME.put("no-final-relu", NinVariants::withoutFinalRelu);
    }

    public static final List<String> NAMES = List.copyOf(BY_NAME.keySet());

    /** The variant called {@code name}, made from {@code nin}; refuses an unknown name, listing the known ones. */
    public static NetworkSpec named(String name, NetworkSpec nin) {
        UnaryOperator<NetworkSpec> edit = BY_NAME.get(name);
        if (edit == null) throw new IllegalArgumentException("--variant must be one of " + String.join(", ", NAMES) + ", got '" + name + "'");
        return edit.apply(nin);
    }
    // end::names[]

    /** The name of a network among the variants of the chapter's NiN, if it is one ("nin" for NiN itself). */
    public static Optional<String> nameOf(NetworkSpec net) {
        NetworkSpec nin = Nin.spec();
        return NAMES.stream().filter(n -> named(n, nin).equals(net)).findFirst();
    }

    // tag::one-by-one-per-block[]
    /** Exercise 2: every NiN block keeps only the first of its two 1×1 convolutions. */
    public static NetworkSpec oneOneByOnePerBlock(NetworkSpec net) {
        List<Stage> stages = net.stages().stream().map(stage -> {
            if (!stage.name().equals(NinBlock.NAME)) return stage;
            Conv2d c = firstConvolution(stage);
            return NinBlock.withOneByOnes(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding(), 1);
        }).toList();
        return new NetworkSpec(net.name() + ", one 1×1 per block", stages);
    }
    // end::one-by-one-per-block[]

    // tag::heads[]
    /** Exercise 4: the last block keeps its 3×3 convolution (384 → 10) and ReLU, without the 1×1 convolutions. */
    public static NetworkSpec convolutionHead(NetworkSpec net) {
        Conv2d c = firstConvolution(lastBlock(net));
        return replaceLastBlock(net, ", 3×3 head",
                new Stage(HEAD, List.of(new Conv2d(c.inChannels(), c.outChannels(), c.kernel(), c.stride(), c.padding()), new ReLU())));
    }

    /** Exercise 4: the last block is a single 1×1 convolution (384 → 10) and ReLU: a linear map per pixel. */
    public static NetworkSpec oneByOneHead(NetworkSpec net) {
        Conv2d c = firstConvolution(lastBlock(net));
        return replaceLastBlock(net, ", 1×1 head",
                new Stage(HEAD, List.of(new Conv2d(c.inChannels(), c.outChannels(), 1, 1, 0), new ReLU())));
    }

    /** The chapter's last block without its final ReLU: global pooling then averages scores that may be negative. */
    public static NetworkSpec withoutFinalRelu(NetworkSpec net) {
        List<LayerSpec> layers = lastBlock(net).layers();
        if (!(layers.getLast() instanceof ReLU))
            throw new IllegalArgumentException(net.name() + ": the last NiN block does not end with a ReLU");
        return replaceLastBlock(net, ", no final ReLU", new Stage(NinBlock.NAME, layers.subList(0, layers.size() - 1)));
    }
    // end::heads[]

    /** The last NiN block of a network: the one that makes as many channels as classes. */
    public static Stage lastBlock(NetworkSpec net) {
        return net.stages().get(lastBlockIndex(net));
    }

    private static int lastBlockIndex(NetworkSpec net) {
        for (int i = net.stages().size() - 1; i >= 0; i--) {
            if (net.stages().get(i).name().equals(NinBlock.NAME)) return i;
        }
        throw new IllegalArgumentException(net.name() + " has no stage named " + NinBlock.NAME);
    }

    private static NetworkSpec replaceLastBlock(NetworkSpec net, String suffix, Stage replacement) {
        List<Stage> stages = new ArrayList<>(net.stages());
        stages.set(lastBlockIndex(net), replacement);
        return new NetworkSpec(net.name() + suffix, stages);
    }

    private static Conv2d firstConvolution(Stage block) {
        if (block.layers().getFirst() instanceof Conv2d c) return c;
        throw new IllegalArgumentException("stage " + block.name() + " does not start with a convolution: " + block.layers());
    }
}
