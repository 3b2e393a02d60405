package dev.tollgate.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tollgate.testing.SecretLeaks;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Every encoding and fragment of a secret in play is masked; text around it, and look-alikes, are left alone. */
class SecretRedactorTest {
    private static final String OPENAI = "sk-proj-Q7zW3xK9mP2vL8nR4tY6uI1oA5sD0fGh";
    private static final String SECRET_PART = OPENAI.substring("sk-proj-".length());
    private static final String TWILIO_SID = "AC0123456789abcdef0123456789abcdef";
    private static final String TWILIO = TWILIO_SID + ":Zx8Cv7Bn6Mq5Wr4Et3Yu2Io1Pa9Sd0Fg";
    private static final String OLLAMA = "https://ollama-7f3k2q.internal.example:11434";
    private static final String API_KEY = "tg_test_4mV9xQ2wE8rT6yU3iO7pA1sD5fG0hJ2kL9zX4cV7bN3m";
    /** Reserved characters, a space, quotes, a backslash and a non-ASCII letter. */
    private static final String AWKWARD = "pa55 w/rd+\"q\\=&é%42~*Kx9Lm2Np";
    private static final ObjectMapper JSON = new ObjectMapper();

    private static void assertMasked(SecretRedactor redactor, String text, String... leaks) {
        String out = redactor.redact(text);
        for (String leak : leaks) {
            assertFalse(out.contains(leak), () -> "'" + leak + "' survived in: " + out);
        }
        assertTrue(out.contains(SecretRedactor.MASK), out);
    }

    @Test
    void theSecretItselfAnywhereInTheText() {
        SecretRedactor r = SecretRedactor.of(OPENAI);
        assertEquals("Incorrect API key provided: [REDACTED]. See docs.",
                r.redact("Incorrect API key provided: " + OPENAI + ". See docs."));
        assertEquals("[REDACTED]", r.redact(OPENAI));
        assertEquals("a [REDACTED] b [REDACTED]", r.redact("a " + OPENAI + " b " + OPENAI));
    }

    @ParameterizedTest(name = "fragment of {0} characters")
    @ValueSource(ints = {8, 9, 12, 20, 31})
    void prefixesSuffixesAndMiddlePiecesOfTheSecretPart(int length) {
        SecretRedactor r = SecretRedactor.of(OPENAI);
        String prefix = OPENAI.substring(0, "sk-proj-".length() + length);
        String suffix = SECRET_PART.substring(SECRET_PART.length() - length);
        String middle = SECRET_PART.substring(1, 1 + length);
        assertEquals("key [REDACTED] is wrong", r.redact("key " + prefix + " is wrong"), prefix);
        assertEquals("key ...[REDACTED]", r.redact("key ..." + suffix), suffix);
        assertEquals("<[REDACTED]>", r.redact("<" + middle + ">"), middle);
    }

    @Test
    void lessThanAFragmentOfTheSecretPartAndThePublicPrefixAloneAreLeftAlone() {
        SecretRedactor r = SecretRedactor.of(OPENAI);
        String masked = "sk-proj-" + SECRET_PART.substring(0, 7) + "****" + OPENAI.substring(OPENAI.length() - 4);
        // OpenAI's own 401 message shows the prefix and the last four characters: nothing secret to remove.
        assertEquals("Incorrect API key provided: " + masked, r.redact("Incorrect API key provided: " + masked));
        assertEquals("keys look like sk-proj-…", r.redact("keys look like sk-proj-…"));
    }

    @Test
    void base64InBothAlphabetsWithAndWithoutPaddingAtEveryAlignment() {
        SecretRedactor r = SecretRedactor.of(OPENAI);
        byte[] key = OPENAI.getBytes(StandardCharsets.UTF_8);
        for (Base64.Encoder encoder : List.of(Base64.getEncoder(), Base64.getUrlEncoder(),
                Base64.getEncoder().withoutPadding(), Base64.getUrlEncoder().withoutPadding())) {
            String whole = encoder.encodeToString(key);
            assertMasked(r, "token=" + whole + ";", whole.substring(12, 40));
            for (String before : List.of("", "{", "{\"", "{\"k\":\"")) {
                // The key inside a longer encoded document, at each byte offset modulo 3.
                String doc = encoder.encodeToString((before + OPENAI + "\"}").getBytes(StandardCharsets.UTF_8));
                String secretChars = encoder.withoutPadding().encodeToString(
                        (before + OPENAI).getBytes(StandardCharsets.UTF_8)).substring(before.length() * 4 / 3 + 14);
                assertMasked(r, "echo: " + doc, secretChars.substring(0, 20));
            }
        }
    }

    @Test
    void basicAuthHeaderAndTheTokenAloneButNotTheAccountSid() {
        SecretRedactor r = SecretRedactor.of(TWILIO);
        String header = "Basic " + Base64.getEncoder().encodeToString(TWILIO.getBytes(StandardCharsets.UTF_8));
        String token = TWILIO.substring(TWILIO.indexOf(':') + 1);
        assertMasked(r, "{\"sent\":\"" + header + "\"}", header.substring(6 + 48));
        assertMasked(r, "bad token " + token, token.substring(0, 10));
        assertMasked(r, "token b64 " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)),
                Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)).substring(0, 12));
        // The SID is an identifier Twilio returns in every resource; it stays.
        String resource = "{\"account_sid\":\"" + TWILIO_SID + "\",\"uri\":\"/2010-04-01/Accounts/" + TWILIO_SID + "/Messages\"}";
        assertSame(resource, r.redact(resource));
    }

    @Test
    void percentAndFormEncodingInUpperAndLowerCaseAndTwice() {
        SecretRedactor r = SecretRedactor.of(AWKWARD);
        String form = URLEncoder.encode(AWKWARD, StandardCharsets.UTF_8);
        String rfc3986 = form.replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
        for (String encoded : List.of(form, SecretLeaks.lowerPercent(form), rfc3986,
                SecretLeaks.lowerPercent(rfc3986), rfc3986.replace("%", "%25"))) {
            assertMasked(r, "GET /v1?key=" + encoded + "&x=1", encoded.substring(0, 12),
                    encoded.substring(encoded.length() - 12));
        }
        SecretRedactor url = SecretRedactor.of(OLLAMA);
        String encodedUrl = URLEncoder.encode(OLLAMA, StandardCharsets.UTF_8);
        assertEquals("redirect_uri=[REDACTED]&a=b", url.redact("redirect_uri=" + encodedUrl + "&a=b"));
        assertEquals("redirect_uri=[REDACTED]&a=b", url.redact("redirect_uri=" + SecretLeaks.lowerPercent(encodedUrl) + "&a=b"));
    }

    @Test
    void jsonEscapedFormsAndTheDocumentStaysValid() throws Exception {
        SecretRedactor r = SecretRedactor.of(AWKWARD);
        String minimal = JSON.writeValueAsString(AWKWARD);
        String body = "{\"error\":{\"message\":\"bad key " + minimal.substring(1, minimal.length() - 1) + " given\"}}";
        String out = r.redact(body);
        assertEquals("bad key [REDACTED] given", JSON.readTree(out).at("/error/message").asText());

        SecretRedactor url = SecretRedactor.of(OLLAMA);
        String slashes = "{\"base\":\"" + OLLAMA.replace("/", "\\/") + "\"}";
        assertEquals("[REDACTED]", JSON.readTree(url.redact(slashes)).path("base").asText());

        // HTML-safe writers escape every non-alphanumeric character, in either case.
        for (String format : List.of("\\u%04x", "\\u%04X")) {
            StringBuilder escaped = new StringBuilder();
            for (char c : OPENAI.toCharArray()) {
                escaped.append(Character.isLetterOrDigit(c) ? String.valueOf(c) : String.format(format, (int) c));
            }
            String doc = "{\"message\":\"key " + escaped + " refused\"}";
            assertEquals("key [REDACTED] refused", JSON.readTree(SecretRedactor.of(OPENAI).redact(doc)).path("message").asText());
        }
    }

    @Test
    void aMatchNeverLeavesAHalfEscapeBehind() throws Exception {
        // The echo starts inside the six-character escape of 'Q': the secret part begins with "51".
        String secret = "sk-proj-51abcdefghijklmnopqrstuvwxyz";
        String doc = "{\"m\":\"x\\u0051abcdefghijklmnopqrstuvwxyz y\"}";
        String out = SecretRedactor.of(secret).redact(doc);
        assertEquals("x[REDACTED] y", JSON.readTree(out).path("m").asText(), out);
        // The echo starts right after the backslash of "\n": the secret part begins with "n".
        String startsWithN = "sk-proj-nQ7zW3xK9mP2vL8nR4tY6uI1oA5sD0fG";
        String escaped = "{\"m\":\"a\\" + startsWithN.substring(8) + "\"}";
        assertEquals("a[REDACTED]", JSON.readTree(SecretRedactor.of(startsWithN).redact(escaped)).path("m").asText());
    }

    @Test
    void hex() {
        String hex = HexFormat.of().formatHex(OPENAI.getBytes(StandardCharsets.UTF_8));
        assertMasked(SecretRedactor.of(OPENAI), "dump " + hex, hex.substring(20, 40));
    }

    @Test
    void everySecretInPlayAtOnce() {
        SecretRedactor r = SecretRedactor.of(Arrays.asList(OPENAI, API_KEY, null, "short"));
        String text = "k1=" + OPENAI + " k2=" + API_KEY.substring(0, 20) + " b64="
                + Base64.getEncoder().encodeToString(API_KEY.getBytes(StandardCharsets.UTF_8)) + " end";
        assertEquals("k1=[REDACTED] k2=[REDACTED] b64=[REDACTED] end", r.redact(text));
        assertTrue(SecretRedactor.of((String) null).isEmpty());
    }

    @Test
    void urlSecretsKeepOrdinaryUrlsIntact() {
        SecretRedactor r = SecretRedactor.of(OLLAMA);
        String text = "see https://ollama.com/library and https://example.com:11434/";
        assertSame(text, r.redact(text));
        assertEquals("calling [REDACTED]/api/chat failed", r.redact("calling " + OLLAMA + "/api/chat failed"));
        assertEquals("host [REDACTED] down", r.redact("host ollama-7f3k2q.internal.example down"));
    }

    @Test
    void multiByteTextAroundAnEchoStaysValidUtf8() {
        String text = "ключ «" + OPENAI + "» неверен";
        assertEquals("ключ «[REDACTED]» неверен", SecretRedactor.of(OPENAI).redact(text));
        String nonAscii = "clé-é" + "Kx9Lm2NpQr7St";
        assertEquals("a[REDACTED]b", SecretRedactor.of(nonAscii).redact("a" + nonAscii + "b"));
    }

    @Test
    void largeBodiesWithoutASecretAreReturnedAsTheyAre() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 {}\":,";
        byte[] body = new byte[5 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) alphabet.charAt(i % alphabet.length());
        }
        SecretRedactor r = SecretRedactor.of(OPENAI, API_KEY, TWILIO, OLLAMA);
        assertSame(body, r.redact(body));
        byte[] withEchoes = body.clone();
        byte[] key = OPENAI.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(key, 0, withEchoes, 0, key.length);
        System.arraycopy(key, 0, withEchoes, withEchoes.length - key.length, key.length);
        byte[] out = r.redact(withEchoes);
        String text = new String(out, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("[REDACTED]") && text.endsWith("[REDACTED]"));
        assertEquals(body.length - 2 * key.length + 2 * SecretRedactor.MASK.length(), out.length);
    }

    @Test
    void aBodyMadeOfTheSecretRepeatedIsOneLinearPass() {
        byte[] key = OPENAI.getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[key.length * 100_000];
        for (int i = 0; i < body.length; i += key.length) {
            System.arraycopy(key, 0, body, i, key.length);
        }
        assertEquals("[REDACTED]", new String(SecretRedactor.of(OPENAI).redact(body), StandardCharsets.UTF_8));
    }

    @Test
    void anEchoStreamedAFewCharactersAtATimeIsMaskedOnceItIsRecognised() {
        SecretRedactor r = SecretRedactor.of(OPENAI, API_KEY);
        String said = "Your key is " + OPENAI + ", mine is " + API_KEY + "; bye.";
        String apiSecret = API_KEY.substring("tg_test_".length());
        for (int size : new int[] {1, 3, 7, 8, 20, said.length()}) {
            SecretRedactor.Pieces pieces = r.pieces();
            StringBuilder sent = new StringBuilder();
            for (int i = 0; i < said.length(); i += size) {
                sent.append(pieces.push(said.substring(i, Math.min(said.length(), i + size))));
            }
            sent.append(pieces.flush());
            String out = sent.toString();
            // At most the first MIN_FRAGMENT - 1 characters of an echo go out before it is recognised, as anywhere.
            for (String secret : new String[] {SECRET_PART, apiSecret}) {
                for (int i = 0; i + SecretRedactor.MIN_FRAGMENT <= secret.length(); i++) {
                    String run = secret.substring(i, i + SecretRedactor.MIN_FRAGMENT);
                    assertFalse(out.contains(run), () -> "pieces of " + size + ": '" + run + "' in " + out);
                }
            }
            assertTrue(out.startsWith("Your key is ") && out.endsWith("; bye.") && out.contains(", mine is "), out);
            assertTrue(out.contains(SecretRedactor.MASK), out);
        }
        SecretRedactor.Pieces whole = r.pieces();
        assertEquals(r.redact(said), whole.push(said) + whole.flush(), "one piece: as redact");
    }

    @Test
    void ordinaryTextGoesOutAsItComesAndAnEchoAtTheEndWaitsForTheNextPiece() {
        SecretRedactor.Pieces pieces = SecretRedactor.of(OPENAI).pieces();
        assertEquals("Hello there sk-pr", pieces.push("Hello there sk-pr"), "nothing is an echo yet: nothing held");
        assertEquals("oj-" + SECRET_PART.substring(0, 5), pieces.push("oj-" + SECRET_PART.substring(0, 5)));
        assertEquals("", pieces.push(SECRET_PART.substring(5, 12)), "an echo runs to the end: held back");
        assertEquals("[REDACTED] and more", pieces.push(SECRET_PART.substring(12) + " and more"));
        assertEquals("", pieces.flush());
        assertEquals("as is", SecretRedactor.none().pieces().push("as is"));
    }

    @Test
    void publicPrefixes() {
        assertEquals("sk-proj-".length(), SecretRedactor.publicPrefix(OPENAI));
        assertEquals("tg_test_".length(), SecretRedactor.publicPrefix(API_KEY));
        assertEquals("sk-ant-api03-".length(), SecretRedactor.publicPrefix("sk-ant-api03-abcdefghijklmnopqrstuvwxyz012345"));
        assertEquals("https://".length(), SecretRedactor.publicPrefix(OLLAMA));
        assertEquals(TWILIO_SID.length() + 1, SecretRedactor.publicPrefix(TWILIO));
        assertEquals(0, SecretRedactor.publicPrefix("AIzaSyA1234567890abcdefghijklmnopqrstu"));
        assertEquals(0, SecretRedactor.publicPrefix("123e4567-e89b-12d3-a456-426614174000"));
    }
}
