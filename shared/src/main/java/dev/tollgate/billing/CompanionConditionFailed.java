package dev.tollgate.billing;

/**
 * The condition of one of the {@link AtomicWrite}s given to a ledger movement failed, so the whole transaction was
 * cancelled: the balance did not move. {@link #index()} is the position of that write in the list passed in.
 */
public final class CompanionConditionFailed extends RuntimeException {
    private final int index;

    public CompanionConditionFailed(int index) {
        super("companion write " + index + " failed its condition", null, false, false);
        this.index = index;
    }

    public int index() {
        return index;
    }
}
