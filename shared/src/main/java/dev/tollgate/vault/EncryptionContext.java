package dev.tollgate.vault;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The KMS encryption context of one stored secret (SPEC §6.4): which account, provider and key id it belongs to.
 * KMS binds it into the wrapped data key and {@link EnvelopeCipher} uses its canonical form as AES-GCM AAD, so a
 * record copied to another account, provider or id cannot be decrypted by either layer.
 */
public record EncryptionContext(String account, String provider, String keyId) {
    public static final String ACCOUNT = "tollgate:account";
    public static final String PROVIDER = "tollgate:provider";
    public static final String KEY = "tollgate:key";

    public EncryptionContext {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(keyId, "keyId");
    }

    /** The context as KMS takes it. */
    public Map<String, String> asMap() {
        return Map.of(ACCOUNT, account, PROVIDER, provider, KEY, keyId);
    }

    /**
     * Canonical JSON: keys sorted, no whitespace, strings escaped per RFC 8259. Stable across JVMs and versions,
     * because it is the AAD of every stored ciphertext.
     */
    public byte[] canonicalBytes() {
        StringBuilder sb = new StringBuilder(128).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(asMap()).entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, e.getKey());
            sb.append(':');
            quote(sb, e.getValue());
        }
        return sb.append('}').toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
