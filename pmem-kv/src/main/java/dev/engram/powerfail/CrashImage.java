package dev.engram.powerfail;

import java.util.List;

/**
 * One crash image: the content every device of a simulator holds after a power failure at one
 * {@link CrashPoint}, given one choice per pending unit. It is named by a one-line
 * {@link #descriptor()} from which {@link PowerFailSimulator#image(String)} rebuilds it exactly.
 *
 * <p>An image is cheap until used: it holds its crash point and a family token. {@link #materialize()}
 * builds every device's content from the crash point's durable pages (shared, copy-on-write) plus the
 * chosen units and attaches it to a new simulator, so recovery run on the image is itself recorded and
 * can be crashed; it costs one reference per 4 KiB page plus the pages the chosen units and the
 * recovery write. {@link #content} flattens one device into a fresh array, for assertions.
 */
public final class CrashImage {

    private final CrashPoint point;
    private final String family;
    private final int[] explicit;
    private int[] choices;

    CrashImage(CrashPoint point, String family, int[] explicit) {
        this.point = point;
        this.family = family;
        this.explicit = explicit;
    }

    /** The crash point this image is at. */
    public CrashPoint crashPoint() {
        return point;
    }

    /** The family token, e.g. {@code "exhaustive#17"}, {@code "prefix#4"}, {@code "random#3"} or {@code "subset"}. */
    public String family() {
        return family;
    }

    /** The choice per unit of {@link #crashPoint()} (0: durable / dropped); a copy. */
    public int[] choices() {
        if (choices == null) {
            choices = point.decode(family, explicit);
        }
        return choices.clone();
    }

    /**
     * The line that rebuilds this image with {@link PowerFailSimulator#image(String)}, e.g.
     * {@code seed=42 point=1234 op=7 log=5f1c0a2e family=random#3}, preceded by the ancestors'
     * descriptors when the simulator was itself materialised from an image.
     */
    public String descriptor() {
        StringBuilder sb = new StringBuilder();
        for (Descriptor ancestor : point.simulator().lineage()) {
            sb.append(ancestor.format()).append(Descriptor.SEPARATOR);
        }
        return sb.append(ownDescriptor().format()).toString();
    }

    Descriptor ownDescriptor() {
        String subset = null;
        if (explicit != null) {
            StringBuilder sb = new StringBuilder();
            for (int u = 0; u < explicit.length; u++) {
                if (explicit[u] != 0) {
                    sb.append(sb.isEmpty() ? "" : ",").append(u).append(':').append(explicit[u]);
                }
            }
            subset = sb.isEmpty() ? "-" : sb.toString();
        }
        return new Descriptor(point.seed(), point.point(), point.operationIndex(), (int) point.logHash(), family,
                subset);
    }

    /** The content of the named device in this image: a fresh array the caller owns. */
    public byte[] content(String device) {
        return point.content(point.deviceIndex(device), choicesView()).toArray();
    }

    /** {@link #materialize(Checking)} with the checking mode of the simulator that recorded this image. */
    public PowerFailSimulator materialize() {
        return materialize(point.simulator().checking());
    }

    /**
     * A new simulator holding one device per device of the crash point (same names, kinds and sector
     * sizes), each with this image as both its durable and its visible content. Its images print this
     * image's descriptor as their ancestor.
     */
    public PowerFailSimulator materialize(Checking checking) {
        PowerFailSimulator parent = point.simulator();
        List<Descriptor> lineage = new java.util.ArrayList<>(parent.lineage());
        lineage.add(ownDescriptor());
        PowerFailSimulator child = new PowerFailSimulator(point.seed(), checking, lineage);
        int[] c = choicesView();
        // The image's content is fixed by the lineage, which image() checks: no need to hash it.
        long lineageHash = descriptor().hashCode();
        for (int d = 0; d < point.deviceCount(); d++) {
            child.addDevice(point.device(d), point.content(d, c), lineageHash);
        }
        return child;
    }

    private int[] choicesView() {
        if (choices == null) {
            choices = point.decode(family, explicit);
        }
        return choices;
    }

    /** The descriptor, then a comment saying where it is and how many units left their durable state. */
    @Override
    public String toString() {
        int[] c = choicesView();
        int changed = 0;
        for (int choice : c) {
            changed += choice == 0 ? 0 : 1;
        }
        String op = point.operationIndex() < 0 ? "between operations"
                : "in op " + point.operationIndex() + " '" + point.operationName() + "'";
        return descriptor() + "  # " + op + ", " + changed + " of " + c.length + " pending units changed";
    }
}
