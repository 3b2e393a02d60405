package dev.tollgate.vault;

/**
 * A secret could not be sealed or opened: wrong encryption context, tampered record, unknown or unreachable master
 * key. The message names the step, never key material; callers map it to a 500 (it is a server-side fault).
 */
public final class VaultCryptoException extends RuntimeException {
    public VaultCryptoException(String message) {
        super(message, null, false, false);
    }

    public VaultCryptoException(String message, Throwable cause) {
        // The cause's class is kept for operators; its message is dropped in case a library put bytes in it.
        super(message + " (" + cause.getClass().getSimpleName() + ")", null, false, false);
    }
}
