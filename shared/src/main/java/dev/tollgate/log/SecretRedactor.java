package dev.tollgate.log;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes every echo of the secrets in play for one call (the provider key, the caller's Tollgate API key) from text
 * that came from outside: the secret itself and the forms a provider may echo it in — JSON-escaped, percent- and
 * form-encoded, base64 (standard and URL alphabets, padded or not, at any byte alignment inside a longer encoded
 * text, which covers {@code Basic base64(user:pass)}), lower-case hex — and any run of at least {@value #MIN_FRAGMENT}
 * characters of one of them, so a prefix, a suffix or a middle piece is redacted as well as the whole.
 *
 * <p>Not redacted on its own: a secret's public prefix — a URL's {@code scheme://}, the user part of a
 * {@code user:pass} secret (Twilio's Account SID, which Twilio itself returns in every resource), the leading
 * words of a key format such as {@code sk-proj-} or {@code tg_test_}. They reveal nothing, and text that merely
 * contains {@code https://} or {@code sk-proj-} must not be mangled; a match that starts in the secret part still
 * extends over them.
 *
 * <p>Cost is one pass over the text: every {@value #MIN_FRAGMENT}-byte window, packed into a {@code long}, is tested
 * against a small bit filter and, when it passes, looked up in an open-addressing table of the windows of every form;
 * a hit is extended both ways while the text keeps matching that form. Preparing a redactor for a call's two
 * secrets takes about 20 µs; a 5 MB body without an echo about 10 ms (docs/RELIABILITY.md).
 *
 * <p>{@link Redactor} (known key shapes) stays the second net, in the log layer and on provider messages.
 */
public final class SecretRedactor {
    public static final String MASK = "[REDACTED]";
    /** The shortest run of a secret's secret part redacted on its own (8 characters of a key: 32 to 48 bits). */
    public static final int MIN_FRAGMENT = 8;
    private static final byte[] MASK_BYTES = MASK.getBytes(StandardCharsets.US_ASCII);
    private static final int MAX_FILTER_WORDS = (1 << 16) / 64;
    private static final SecretRedactor NONE = new SecretRedactor(List.of());

    private static final Pattern URL_SCHEME = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]{0,15}://");
    private static final Pattern USER_PART = Pattern.compile("[A-Za-z0-9_.-]{1,64}:(?!//)");
    private static final Pattern WORD_PREFIX = Pattern.compile("(?:[a-z][a-z0-9]{1,5}[-_]){1,3}");
    private static final String FORM_SAFE = "-._*";
    private static final String URI_UNRESERVED = "-._~";

    /** One encoded form of a secret; its first {@code publicLength} bytes come from the secret's public prefix. */
    record Form(byte[] bytes, int publicLength) {
    }

    private final byte[][] forms;
    private final int longestForm;
    private final boolean[] wholeOnly;
    /** A one-bit-per-hash filter in front of the table: most windows of ordinary text stop here, in L1 cache. */
    private final long[] filter;
    private final int filterMask;
    private final long[] windows;
    private final int[] firstCandidate;
    private final int tableMask;
    private final int[] candidateForm;
    private final int[] candidateOffset;
    private final int[] nextCandidate;

    private SecretRedactor(List<Form> all) {
        int entries = 0;
        for (Form form : all) {
            entries += Math.max(1, form.bytes().length - form.publicLength() - MIN_FRAGMENT + 1);
        }
        this.forms = new byte[all.size()][];
        this.longestForm = all.stream().mapToInt(form -> form.bytes().length).max().orElse(0);
        this.wholeOnly = new boolean[all.size()];
        // 16 to 32 filter bits per window (a false positive costs one table probe), and a table at most 3/4 full.
        int words = Math.min(MAX_FILTER_WORDS, Integer.highestOneBit(Math.max(1, entries / 4)) << 1);
        this.filter = new long[words];
        this.filterMask = words - 1;
        int size = Integer.highestOneBit(Math.max(16, entries * 4 / 3)) << 1;
        this.windows = new long[size];
        this.firstCandidate = new int[size];
        Arrays.fill(firstCandidate, -1);
        this.tableMask = size - 1;
        this.candidateForm = new int[entries];
        this.candidateOffset = new int[entries];
        this.nextCandidate = new int[entries];
        int next = 0;
        for (int f = 0; f < all.size(); f++) {
            byte[] form = all.get(f).bytes();
            int publicLength = all.get(f).publicLength();
            forms[f] = form;
            // A form with less than a fragment after its public prefix is only redacted whole.
            wholeOnly[f] = form.length - publicLength < MIN_FRAGMENT;
            int from = wholeOnly[f] ? 0 : publicLength;
            int to = wholeOnly[f] ? 0 : form.length - MIN_FRAGMENT;
            long window = 0;
            for (int i = from; i < from + MIN_FRAGMENT - 1; i++) {
                window = (window << 8) | (form[i] & 0xff);
            }
            for (int offset = from; offset <= to; offset++) {
                window = (window << 8) | (form[offset + MIN_FRAGMENT - 1] & 0xff);
                int hash = mix(window);
                filter[(hash >>> 16) >>> 6 & filterMask] |= 1L << (hash >>> 16);
                int slot = hash & tableMask;
                while (firstCandidate[slot] >= 0 && windows[slot] != window) {
                    slot = (slot + 1) & tableMask;
                }
                windows[slot] = window;
                candidateForm[next] = f;
                candidateOffset[next] = offset;
                nextCandidate[next] = firstCandidate[slot];
                firstCandidate[slot] = next;
                next++;
            }
        }
    }

    /** A redactor for these secrets; nulls and secrets shorter than {@value #MIN_FRAGMENT} characters are ignored. */
    public static SecretRedactor of(Collection<String> secrets) {
        Map<ByteBuffer, Integer> unique = new LinkedHashMap<>();
        for (String secret : secrets) {
            if (secret != null && secret.length() >= MIN_FRAGMENT) {
                for (Form form : forms(secret)) {
                    if (form.bytes().length >= MIN_FRAGMENT) {
                        unique.merge(ByteBuffer.wrap(form.bytes()), form.publicLength(), Math::min);
                    }
                }
            }
        }
        if (unique.isEmpty()) {
            return NONE;
        }
        List<Form> all = new ArrayList<>(unique.size());
        unique.forEach((bytes, publicLength) -> all.add(new Form(bytes.array(), publicLength)));
        return new SecretRedactor(all);
    }

    public static SecretRedactor of(String... secrets) {
        return of(Arrays.asList(secrets));
    }

    public static SecretRedactor none() {
        return NONE;
    }

    public boolean isEmpty() {
        return forms.length == 0;
    }

    /** The text with every echo masked; the same array when there was none. */
    public byte[] redact(byte[] text) {
        if (text == null || forms.length == 0 || text.length < MIN_FRAGMENT) {
            return text;
        }
        int[] spans = find(text);
        if (spans.length == 0) {
            return text;
        }
        byte[] out = new byte[text.length + spans.length / 2 * MASK_BYTES.length];
        int length = 0;
        int copied = 0;
        for (int i = 0; i < spans.length; i += 2) {
            System.arraycopy(text, copied, out, length, spans[i] - copied);
            length += spans[i] - copied;
            System.arraycopy(MASK_BYTES, 0, out, length, MASK_BYTES.length);
            length += MASK_BYTES.length;
            copied = spans[i + 1];
        }
        System.arraycopy(text, copied, out, length, text.length - copied);
        length += text.length - copied;
        return Arrays.copyOf(out, length);
    }

    /** The text with every echo masked; the same string when there was none. */
    public String redact(String text) {
        if (text == null || forms.length == 0 || text.length() < MIN_FRAGMENT) {
            return text;
        }
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        byte[] out = redact(bytes);
        return out == bytes ? text : new String(out, StandardCharsets.UTF_8);
    }

    /** A redaction of text that arrives in pieces, such as the deltas of a streamed answer. */
    public Pieces pieces() {
        return new Pieces();
    }

    /**
     * Text in pieces, redacted as if it had come whole: an echo a provider streams a few characters at a time is masked
     * like one sent at once. A piece goes out at once unless an echo runs to its end: that end is held back, since the
     * next piece may continue it, and goes out masked once the echo ends. An echo is found where it spans text already
     * sent (at most {@value #MIN_FRAGMENT} - 1 characters of it went out, as the first of a run that short are not
     * redacted anywhere) and the rest of it is masked; so chunks keep their shape, and ordinary text is not delayed.
     */
    public final class Pieces {
        /** The last characters already sent, raw: where an echo continuing into the next piece began. */
        private byte[] sent = new byte[0];
        private byte[] pending = new byte[0];

        /** What may be sent of the text so far, redacted; possibly empty. */
        public String push(String piece) {
            if (forms.length == 0) {
                return piece;
            }
            pending = concat(pending, piece.getBytes(StandardCharsets.UTF_8));
            return release(false);
        }

        /** The text held back, redacted: the stream ended, or this part of it did. */
        public String flush() {
            return forms.length == 0 ? "" : release(true);
        }

        private String release(boolean all) {
            byte[] text = concat(sent, pending);
            int from = sent.length;
            int[] spans = find(text);
            int ready = pending.length;
            if (!all && spans.length > 0 && spans[spans.length - 1] == text.length) {
                ready = Math.max(0, spans[spans.length - 2] - from);
            }
            StringBuilder out = new StringBuilder();
            int copied = from;
            for (int i = 0; i < spans.length; i += 2) {
                int start = Math.max(spans[i], from);
                int end = Math.min(spans[i + 1], from + ready);
                if (start >= end) {
                    continue;
                }
                out.append(new String(text, copied, start - copied, StandardCharsets.UTF_8)).append(MASK);
                copied = end;
            }
            out.append(new String(text, copied, from + ready - copied, StandardCharsets.UTF_8));
            byte[] released = Arrays.copyOfRange(text, 0, from + ready);
            sent = Arrays.copyOfRange(released, Math.max(0, released.length - longestForm), released.length);
            pending = Arrays.copyOfRange(text, from + ready, text.length);
            return out.toString();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Matching

    /** Sorted, disjoint [start, end) spans to mask, flattened. */
    private int[] find(byte[] t) {
        int[] spans = new int[8];
        int count = 0;
        int coveredEnd = 0;
        long window = 0;
        int n = t.length;
        for (int i = 0; i < n; i++) {
            window = (window << 8) | (t[i] & 0xff);
            if (i < MIN_FRAGMENT - 1) {
                continue;
            }
            int candidate = candidates(window);
            if (candidate < 0) {
                continue;
            }
            int windowStart = i - MIN_FRAGMENT + 1;
            int furthest = -1;
            for (; candidate >= 0; candidate = nextCandidate[candidate]) {
                byte[] form = forms[candidateForm[candidate]];
                int offset = candidateOffset[candidate];
                boolean whole = wholeOnly[candidateForm[candidate]];
                int start = windowStart;
                int formStart = offset;
                int leftLimit = whole ? 0 : Math.min(coveredEnd, windowStart);
                while (start > leftLimit && formStart > 0 && t[start - 1] == form[formStart - 1]) {
                    start--;
                    formStart--;
                }
                int end = windowStart + MIN_FRAGMENT;
                int formEnd = offset + MIN_FRAGMENT;
                while (end < n && formEnd < form.length && t[end] == form[formEnd]) {
                    end++;
                    formEnd++;
                }
                if (whole && (formStart != 0 || formEnd != form.length)) {
                    continue;
                }
                if (count + 2 > spans.length) {
                    spans = Arrays.copyOf(spans, spans.length * 2);
                }
                spans[count++] = start;
                spans[count++] = end;
                furthest = Math.max(furthest, end);
            }
            if (furthest > coveredEnd) {
                coveredEnd = furthest;
            }
            if (furthest > i + 1) {
                // Every window ending before `furthest` lies inside what is masked: resume with the first that does not.
                i = furthest - 1;
                window = pack(t, furthest - MIN_FRAGMENT);
            }
        }
        return count == 0 ? new int[0] : merge(t, Arrays.copyOf(spans, count));
    }

    private int candidates(long window) {
        int hash = mix(window);
        if ((filter[(hash >>> 16) >>> 6 & filterMask] & (1L << (hash >>> 16))) == 0) {
            return -1;
        }
        int slot = hash & tableMask;
        while (true) {
            int head = firstCandidate[slot];
            if (head < 0) {
                return -1;
            }
            if (windows[slot] == window) {
                return head;
            }
            slot = (slot + 1) & tableMask;
        }
    }

    private static int mix(long window) {
        long h = window * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29) ^ (h >>> 47));
    }

    private static long pack(byte[] bytes, int offset) {
        long window = 0;
        for (int i = 0; i < MIN_FRAGMENT; i++) {
            window = (window << 8) | (bytes[offset + i] & 0xff);
        }
        return window;
    }

    /**
     * Sorts and merges spans, then widens each so that what remains stays well-formed: a span never starts inside a
     * UTF-8 sequence or right after the backslash of a JSON escape ({@code \n}, a backslash-u escape), and never ends
     * inside a UTF-8 sequence.
     */
    private static int[] merge(byte[] t, int[] spans) {
        int pairs = spans.length / 2;
        long[] packed = new long[pairs];
        for (int i = 0; i < pairs; i++) {
            int start = widenStart(t, spans[2 * i]);
            int end = widenEnd(t, spans[2 * i + 1]);
            packed[i] = ((long) start << 32) | end;
        }
        Arrays.sort(packed);
        int[] out = new int[spans.length];
        int count = 0;
        for (long span : packed) {
            int start = (int) (span >>> 32);
            int end = (int) span;
            if (count > 0 && start <= out[count - 1]) {
                out[count - 1] = Math.max(out[count - 1], end);
            } else {
                out[count++] = start;
                out[count++] = end;
            }
        }
        return Arrays.copyOf(out, count);
    }

    private static int widenStart(byte[] t, int start) {
        int s = start;
        while (s > 0 && (t[s] & 0xc0) == 0x80) {
            s--;
        }
        for (int j = s - 1; j >= Math.max(0, s - 5); j--) {
            if (t[j] == '\\' && j + 1 < t.length && t[j + 1] == 'u' && escapes(t, j) && j + 6 > s) {
                return j;
            }
        }
        if (s > 0 && t[s - 1] == '\\' && escapes(t, s - 1)) {
            s--;
        }
        return s;
    }

    private static int widenEnd(byte[] t, int end) {
        int e = end;
        while (e < t.length && (t[e] & 0xc0) == 0x80) {
            e++;
        }
        return e;
    }

    /** Whether the backslash at {@code j} starts an escape (it is not itself escaped by an odd run before it). */
    private static boolean escapes(byte[] t, int j) {
        int run = 0;
        for (int k = j; k >= 0 && t[k] == '\\'; k--) {
            run++;
        }
        return run % 2 == 1;
    }

    // ---------------------------------------------------------------------------------------------------------------
    // Forms

    /** Every form of {@code secret} that is redacted, each with the length of its public prefix. */
    static List<Form> forms(String secret) {
        byte[] raw = secret.getBytes(StandardCharsets.UTF_8);
        // The public prefix is ASCII (see publicPrefix), so its length is the same in characters and bytes.
        int publicBytes = publicPrefix(secret);
        List<Form> out = new ArrayList<>(26);
        out.add(new Form(raw, publicBytes));
        // JSON: minimal escaping (as Jackson writes), an escaped solidus, and backslash-u for every character that
        // is not a letter or digit (as HTML-safe writers such as Gson do).
        out.add(perByte(raw, publicBytes, (b, o) -> jsonEscape(b, false, o)));
        out.add(perByte(raw, publicBytes, (b, o) -> jsonEscape(b, true, o)));
        for (boolean upper : new boolean[] {false, true}) {
            out.add(perChar(secret, publicBytes, (c, o) -> {
                if (isAlphanumeric(c)) {
                    o.add(c);
                } else {
                    unicodeEscape(c, upper, o);
                }
            }));
        }
        // URL: RFC 3986 percent-encoding, form encoding ('+' for space), every non-alphanumeric byte encoded, and the
        // RFC 3986 form encoded once more; each with upper- and lower-case hex digits.
        for (boolean upper : new boolean[] {true, false}) {
            Form rfc3986 = perByte(raw, publicBytes, (b, o) -> percent(b, URI_UNRESERVED, false, upper, o));
            out.add(rfc3986);
            out.add(perByte(raw, publicBytes, (b, o) -> percent(b, FORM_SAFE, true, upper, o)));
            out.add(perByte(raw, publicBytes, (b, o) -> percent(b, "", false, upper, o)));
            out.add(perByte(rfc3986.bytes(), rfc3986.publicLength(),
                    (b, o) -> percent(b, URI_UNRESERVED, false, upper, o)));
        }
        for (Base64.Encoder encoder : new Base64.Encoder[] {Base64.getEncoder(), Base64.getUrlEncoder()}) {
            out.add(new Form(encoder.encode(raw), publicBytes * 8 / 6));
            for (int shift = 0; shift < 3; shift++) {
                out.add(base64Interior(encoder, raw, publicBytes, shift));
            }
        }
        out.add(perByte(raw, publicBytes, (b, o) -> hex(b, false, o)));
        return out;
    }

    /**
     * The characters of base64(k zero bytes + secret) that depend on the secret's bytes only: the form the secret
     * takes inside a longer base64 text when it starts at byte offset k (mod 3) of the encoded data.
     */
    private static Form base64Interior(Base64.Encoder encoder, byte[] secret, int publicBytes, int shift) {
        byte[] stream = new byte[shift + secret.length];
        System.arraycopy(secret, 0, stream, shift, secret.length);
        byte[] encoded = encoder.withoutPadding().encode(stream);
        int first = (8 * shift + 5) / 6;
        int last = 8 * (shift + secret.length) / 6;
        int publicEnd = 8 * (shift + publicBytes) / 6;
        return new Form(Arrays.copyOfRange(encoded, first, last), Math.max(0, publicEnd - first));
    }

    /** A growable byte buffer for building forms. */
    private static final class Output {
        private byte[] bytes;
        private int length;

        Output(int capacity) {
            bytes = new byte[capacity];
        }

        void add(int b) {
            if (length == bytes.length) {
                bytes = Arrays.copyOf(bytes, bytes.length * 2);
            }
            bytes[length++] = (byte) b;
        }

        byte[] toArray() {
            return Arrays.copyOf(bytes, length);
        }
    }

    private interface Escape {
        void append(int unit, Output out);
    }

    private static Form perByte(byte[] text, int publicBytes, Escape escape) {
        Output out = new Output(text.length * 3 + 8);
        int publicLength = 0;
        for (int i = 0; i < text.length; i++) {
            if (i == publicBytes) {
                publicLength = out.length;
            }
            escape.append(text[i] & 0xff, out);
        }
        return new Form(out.toArray(), publicBytes >= text.length ? out.length : publicLength);
    }

    private static Form perChar(String text, int publicChars, Escape escape) {
        Output out = new Output(text.length() * 6 + 8);
        int publicLength = 0;
        for (int i = 0; i < text.length(); i++) {
            if (i == publicChars) {
                publicLength = out.length;
            }
            escape.append(text.charAt(i), out);
        }
        return new Form(out.toArray(), publicChars >= text.length() ? out.length : publicLength);
    }

    /** One UTF-8 byte as a JSON string writer emits it; bytes of multi-byte characters pass through. */
    private static void jsonEscape(int b, boolean escapeSolidus, Output out) {
        int shortForm = switch (b) {
            case '"' -> '"';
            case '\\' -> '\\';
            case '\n' -> 'n';
            case '\r' -> 'r';
            case '\t' -> 't';
            case '\b' -> 'b';
            case '\f' -> 'f';
            case '/' -> escapeSolidus ? '/' : 0;
            default -> 0;
        };
        if (shortForm != 0) {
            out.add('\\');
            out.add(shortForm);
        } else if (b < 0x20) {
            unicodeEscape(b, false, out);
        } else {
            out.add(b);
        }
    }

    private static void unicodeEscape(int c, boolean upper, Output out) {
        out.add('\\');
        out.add('u');
        hex(c >>> 8, upper, out);
        hex(c & 0xff, upper, out);
    }

    /** Percent-encodes one UTF-8 byte unless it is an ASCII letter or digit or in {@code safe}. */
    private static void percent(int b, String safe, boolean plusForSpace, boolean upper, Output out) {
        if (isAlphanumeric(b) || (b < 0x80 && safe.indexOf(b) >= 0)) {
            out.add(b);
        } else if (plusForSpace && b == ' ') {
            out.add('+');
        } else {
            out.add('%');
            hex(b, upper, out);
        }
    }

    private static void hex(int b, boolean upper, Output out) {
        String digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
        out.add(digits.charAt((b >>> 4) & 0xf));
        out.add(digits.charAt(b & 0xf));
    }

    private static boolean isAlphanumeric(int c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }

    /**
     * The leading part of a secret that says what kind of secret it is and nothing about its value: a URL's scheme,
     * the user of {@code user:pass}, or up to three short lower-case words ending in '-' or '_'.
     */
    static int publicPrefix(String secret) {
        for (Pattern pattern : new Pattern[] {URL_SCHEME, USER_PART, WORD_PREFIX}) {
            Matcher m = pattern.matcher(secret);
            if (m.lookingAt()) {
                return m.end();
            }
        }
        return 0;
    }
}
