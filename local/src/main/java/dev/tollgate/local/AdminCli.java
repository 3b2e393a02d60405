package dev.tollgate.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import dev.tollgate.audit.AuditChain;
import dev.tollgate.audit.AuditEntry;
import dev.tollgate.audit.AuditWire;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;

/**
 * {@code ./tollgate admin ...}: the operator API from a terminal. Locally it reads the base URL and admin token from
 * {@code .tollgate/local.json}; against a deployed stack ({@code --endpoint URL --sigv4}) it signs each request with
 * the caller's AWS credentials, which is what the API's AWS_IAM authorizer checks.
 */
public final class AdminCli {
    static final String USAGE = """
            usage: ./tollgate admin [--endpoint URL] [--sigv4 [--region R]] [--admin-token T] [--json] COMMAND
              accounts create [--plan free|pro|team] [--type personal|workspace] [--name NAME]
              accounts get ACCOUNT_ID
              accounts set-plan ACCOUNT_ID PLAN
              accounts suspend ACCOUNT_ID | accounts activate ACCOUNT_ID
              api-keys issue ACCOUNT_ID [--name NAME]      (the key is shown once)
              api-keys list ACCOUNT_ID
              api-keys revoke KEY_ID
              topup ACCOUNT_ID CREDITS --reference REF     (same REF again credits once)
              adjust ACCOUNT_ID CREDITS --reason TEXT [--reference REF]
              platform-keys set PROVIDER KEY|-             (- reads the key from standard input)
              platform-keys delete PROVIDER | platform-keys list
              audit list ACCOUNT_ID|platform [--limit N]
              audit verify ACCOUNT_ID|platform             (recomputes the hash chain; exit 1 on any edit or gap)
              rewrap --to-kms-key ARN [--page-size N]      (re-wraps every data key under ARN, page by page)
            Without --endpoint, the local runner's .tollgate/local.json is used.""";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    AdminCli(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new AdminCli(System.out, System.err).run(args));
    }

    /** A parsed invocation: global options, positional words and command flags. */
    record Invocation(String endpoint, boolean sigv4, String region, String adminToken, boolean json,
                      List<String> words, Map<String, String> flags) {
        String flag(String name) {
            return flags.get(name);
        }

        String word(int i, String what) {
            if (i >= words.size()) {
                throw new IllegalArgumentException("missing " + what);
            }
            return words.get(i);
        }
    }

    int run(String[] args) {
        Invocation inv;
        try {
            inv = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("tollgate admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        if (inv.words().isEmpty() || inv.words().get(0).equals("help")) {
            out.println(USAGE);
            return inv.words().isEmpty() ? 2 : 0;
        }
        try {
            if (inv.words().get(0).equals("audit") && inv.words().size() > 1 && inv.words().get(1).equals("verify")) {
                return verifyAudit(inv, inv.word(2, "ACCOUNT_ID"));
            }
            if (inv.words().get(0).equals("rewrap")) {
                return rewrap(inv);
            }
            Call call = toCall(inv);
            HttpResponse<String> response = send(inv, call);
            return print(inv, call, response);
        } catch (IllegalArgumentException e) {
            err.println("tollgate admin: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException e) {
            err.println("tollgate admin: cannot reach " + inv.endpoint() + " (" + e.getMessage() + "). Is `./tollgate local` running?");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    record Call(String method, String path, ObjectNode body) {
    }

    static Invocation parse(String[] args) {
        String endpoint = null;
        String region = null;
        String token = null;
        boolean sigv4 = false;
        boolean json = false;
        List<String> words = new ArrayList<>();
        Map<String, String> flags = new LinkedHashMap<>();
        Deque<String> queue = new ArrayDeque<>(List.of(args));
        while (!queue.isEmpty()) {
            String arg = queue.removeFirst();
            switch (arg) {
                case "--endpoint" -> endpoint = required(queue, arg);
                case "--region" -> region = required(queue, arg);
                case "--admin-token" -> token = required(queue, arg);
                case "--sigv4" -> sigv4 = true;
                case "--json" -> json = true;
                default -> {
                    if (arg.startsWith("--")) {
                        flags.put(arg.substring(2), required(queue, arg));
                    } else {
                        words.add(arg);
                    }
                }
            }
        }
        if (endpoint == null || (!sigv4 && token == null)) {
            JsonNode local = readLocalState();
            if (endpoint == null) {
                endpoint = local.path("base_url").asText(null);
            }
            if (!sigv4 && token == null) {
                token = local.path("admin_token").asText(null);
            }
        }
        if (endpoint == null) {
            throw new IllegalArgumentException("no endpoint: start `./tollgate local` or pass --endpoint URL");
        }
        if (!sigv4 && token == null) {
            throw new IllegalArgumentException("no admin token: pass --admin-token, or --sigv4 for a deployed stack");
        }
        if (region == null) {
            region = System.getenv().getOrDefault("AWS_REGION", "us-east-1");
        }
        return new Invocation(endpoint.replaceAll("/$", ""), sigv4, region, token, json, words, flags);
    }

    private static String required(Deque<String> queue, String flag) {
        if (queue.isEmpty()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return queue.removeFirst();
    }

    private static JsonNode readLocalState() {
        Path file = Path.of(System.getProperty("tollgate.repo.root", "."), ".tollgate", "local.json");
        try {
            return Files.exists(file) ? JSON.readTree(file.toFile()) : JSON.createObjectNode();
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    static Call toCall(Invocation inv) {
        String group = inv.word(0, "command");
        String action = inv.words().size() > 1 ? inv.words().get(1) : "";
        ObjectNode body = JSON.createObjectNode();
        switch (group) {
            case "accounts" -> {
                switch (action) {
                    case "create" -> {
                        body.put("type", inv.flags().getOrDefault("type", "personal"));
                        body.put("plan", inv.flags().getOrDefault("plan", "free"));
                        if (inv.flag("name") != null) {
                            body.put("name", inv.flag("name"));
                        }
                        return new Call("POST", "/admin/v1/accounts", body);
                    }
                    case "get" -> {
                        return new Call("GET", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")), null);
                    }
                    case "set-plan" -> {
                        body.put("plan", inv.word(3, "PLAN"));
                        return new Call("PATCH", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")), body);
                    }
                    case "suspend", "activate" -> {
                        body.put("status", action.equals("suspend") ? "suspended" : "active");
                        return new Call("PATCH", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")), body);
                    }
                    default -> throw new IllegalArgumentException("unknown accounts command '" + action + "'");
                }
            }
            case "api-keys" -> {
                switch (action) {
                    case "issue" -> {
                        body.put("name", inv.flags().getOrDefault("name", "default"));
                        return new Call("POST", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")) + "/api-keys", body);
                    }
                    case "list" -> {
                        return new Call("GET", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")) + "/api-keys", null);
                    }
                    case "revoke" -> {
                        return new Call("DELETE", "/admin/v1/api-keys/" + id(inv.word(2, "KEY_ID")), null);
                    }
                    default -> throw new IllegalArgumentException("unknown api-keys command '" + action + "'");
                }
            }
            case "topup", "adjust" -> {
                String account = id(inv.word(1, "ACCOUNT_ID"));
                body.put("credits", credits(inv.word(2, "CREDITS")));
                if (group.equals("topup")) {
                    body.put("reference", requireFlag(inv, "reference"));
                    return new Call("POST", "/admin/v1/accounts/" + account + "/topups", body);
                }
                body.put("reason", requireFlag(inv, "reason"));
                if (inv.flag("reference") != null) {
                    body.put("reference", inv.flag("reference"));
                }
                return new Call("POST", "/admin/v1/accounts/" + account + "/adjustments", body);
            }
            case "platform-keys" -> {
                switch (action) {
                    case "set" -> {
                        String provider = id(inv.word(2, "PROVIDER"));
                        String key = inv.word(3, "KEY (or - to read it from standard input)");
                        body.put("api_key", key.equals("-") ? readStdin() : key);
                        return new Call("PUT", "/admin/v1/platform-keys/" + provider, body);
                    }
                    case "delete" -> {
                        return new Call("DELETE", "/admin/v1/platform-keys/" + id(inv.word(2, "PROVIDER")), null);
                    }
                    case "list" -> {
                        return new Call("GET", "/admin/v1/platform-keys", null);
                    }
                    default -> throw new IllegalArgumentException("unknown platform-keys command '" + action + "'");
                }
            }
            case "audit" -> {
                if (!action.equals("list")) {
                    throw new IllegalArgumentException("unknown audit command '" + action + "'");
                }
                String limit = inv.flags().getOrDefault("limit", "100");
                return new Call("GET", "/admin/v1/accounts/" + id(inv.word(2, "ACCOUNT_ID")) + "/audit?limit=" + id(limit), null);
            }
            default -> throw new IllegalArgumentException("unknown command '" + group + "'");
        }
    }

    private static String readStdin() {
        try {
            String key = new String(System.in.readAllBytes(), StandardCharsets.UTF_8).strip();
            if (key.isEmpty()) {
                throw new IllegalArgumentException("no key on standard input");
            }
            return key;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key from standard input");
        }
    }

    /** Downloads the whole audit log page by page and recomputes the hash chain here, not on the server. */
    private int verifyAudit(Invocation inv, String accountId) throws IOException, InterruptedException {
        List<AuditEntry> entries = new ArrayList<>();
        String cursor = null;
        do {
            String path = "/admin/v1/accounts/" + id(accountId) + "/audit?limit=100"
                    + (cursor == null ? "" : "&cursor=" + id(cursor));
            Call call = new Call("GET", path, null);
            HttpResponse<String> response = send(inv, call);
            if (response.statusCode() != 200) {
                return print(inv, call, response);
            }
            JsonNode page = JSON.readTree(response.body());
            page.path("data").forEach(node -> entries.add(AuditWire.parse(node)));
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
        } while (cursor != null);
        List<AuditChain.Problem> problems = AuditChain.verify(entries);
        if (inv.json()) {
            ObjectNode result = JSON.createObjectNode();
            result.put("account_id", accountId);
            result.put("entries", entries.size());
            result.put("valid", problems.isEmpty());
            var list = result.putArray("problems");
            problems.forEach(p -> list.addObject().put("seq", p.seq()).put("kind", p.kind()).put("message", p.message()));
            out.println(JSON.writeValueAsString(result));
        } else if (problems.isEmpty()) {
            out.printf("audit log of %s: %d entries, hash chain intact%s%n", accountId, entries.size(),
                    entries.isEmpty() ? "" : " (head " + entries.stream().mapToLong(AuditEntry::seq).max().orElse(0) + ")");
        } else {
            err.printf("audit log of %s: %d entries, %d problem(s)%n", accountId, entries.size(), problems.size());
            problems.forEach(p -> err.printf("  seq %d  %-12s %s%n", p.seq(), p.kind(), p.message()));
        }
        return problems.isEmpty() ? 0 : 1;
    }

    /** Calls the rewrap route until the walk is complete, printing progress; exit 1 if any record failed. */
    private int rewrap(Invocation inv) throws IOException, InterruptedException {
        String target = requireFlag(inv, "to-kms-key");
        int pageSize;
        try {
            pageSize = Integer.parseInt(inv.flags().getOrDefault("page-size", "25"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--page-size must be a number from 1 to 100");
        }
        long examined = 0;
        long rewrapped = 0;
        long unchanged = 0;
        long skipped = 0;
        long failed = 0;
        String cursor = null;
        int pages = 0;
        do {
            ObjectNode body = JSON.createObjectNode().put("to_kms_key", target).put("limit", pageSize);
            if (cursor != null) {
                body.put("cursor", cursor);
            }
            Call call = new Call("POST", "/admin/v1/rewrap", body);
            HttpResponse<String> response = send(inv, call);
            if (response.statusCode() != 200) {
                return print(inv, call, response);
            }
            JsonNode page = JSON.readTree(response.body());
            pages++;
            examined += page.path("examined").asLong();
            rewrapped += page.path("rewrapped").asLong();
            unchanged += page.path("unchanged").asLong();
            skipped += page.path("skipped").asLong();
            failed += page.path("failed").asLong();
            cursor = page.path("next_cursor").isTextual() ? page.path("next_cursor").asText() : null;
            if (!inv.json()) {
                out.printf("page %d: %d keys examined so far, %d re-wrapped, %d already there, %d skipped, %d failed%n",
                        pages, examined, rewrapped, unchanged, skipped, failed);
            }
        } while (cursor != null);
        if (inv.json()) {
            ObjectNode result = JSON.createObjectNode().put("to_kms_key", target).put("pages", pages)
                    .put("examined", examined).put("rewrapped", rewrapped).put("unchanged", unchanged)
                    .put("skipped", skipped).put("failed", failed);
            out.println(JSON.writeValueAsString(result));
        } else {
            out.println(skipped > 0 ? "done; records changed during the run were skipped: run it again to cover them"
                    : "done");
        }
        return failed > 0 ? 1 : 0;
    }

    private static String requireFlag(Invocation inv, String name) {
        String value = inv.flag(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static BigDecimal credits(String value) {
        try {
            return new BigDecimal(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("CREDITS must be a decimal number, e.g. 25.5");
        }
    }

    private static String id(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(Invocation inv, Call call) throws IOException, InterruptedException {
        URI uri = URI.create(inv.endpoint() + call.path());
        String body = call.body() == null ? "" : JSON.writeValueAsString(call.body());
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(call.method(), body.isEmpty() ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (!body.isEmpty()) {
            request.header("Content-Type", "application/json");
        }
        if (inv.sigv4()) {
            sign(request, uri, call.method(), body, inv.region());
        } else {
            request.header("Authorization", "Bearer " + inv.adminToken());
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** SigV4 for API Gateway ({@code execute-api}) with the default AWS credential chain of the operator's shell. */
    private static void sign(HttpRequest.Builder request, URI uri, String method, String body, String region) {
        var credentials = DefaultCredentialsProvider.builder().build().resolveCredentials();
        SdkHttpRequest.Builder unsigned = SdkHttpRequest.builder().uri(uri).method(SdkHttpMethod.fromValue(method));
        if (!body.isEmpty()) {
            unsigned.putHeader("Content-Type", "application/json");
        }
        var signed = AwsV4HttpSigner.create().sign(r -> r.identity(credentials).request(unsigned.build())
                .payload(ContentStreamProvider.fromUtf8String(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "execute-api")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        signed.request().headers().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("content-type")) {
                values.forEach(v -> request.header(name, v));
            }
        });
    }

    private int print(Invocation inv, Call call, HttpResponse<String> response) throws IOException {
        int status = response.statusCode();
        JsonNode body = response.body().isBlank() ? null : JSON.readTree(response.body());
        if (status >= 400) {
            JsonNode error = body == null ? null : body.path("error");
            if (inv.json()) {
                out.println(body == null ? "" : JSON.writeValueAsString(body));
            } else {
                err.printf("error %d %s: %s%n", status, error == null ? "" : error.path("code").asText(),
                        error == null ? "" : error.path("message").asText());
            }
            return 1;
        }
        if (inv.json()) {
            out.println(body == null ? "{}" : JSON.writeValueAsString(body));
        } else if (body == null) {
            out.println("done (" + status + ")");
        } else if (body.has("data") && body.get("data").isArray()) {
            printTable(body.get("data"));
        } else {
            printObject(body);
            if (body.has("api_key")) {
                out.println("\nStore the api_key now: it is not shown again.");
            }
            if (body.path("replayed").asBoolean(false)) {
                out.println("\n(reference already used: nothing new was credited)");
            }
        }
        return 0;
    }

    private void printObject(JsonNode body) {
        int width = 0;
        for (var it = body.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        final int w = width;
        body.fields().forEachRemaining(f -> out.printf("%-" + w + "s  %s%n", f.getKey(), text(f.getValue())));
    }

    private void printTable(JsonNode rows) {
        if (rows.isEmpty()) {
            out.println("(none)");
            return;
        }
        List<String> columns = new ArrayList<>();
        rows.get(0).fieldNames().forEachRemaining(columns::add);
        int[] widths = columns.stream().mapToInt(String::length).toArray();
        for (JsonNode row : rows) {
            for (int i = 0; i < columns.size(); i++) {
                widths[i] = Math.max(widths[i], text(row.get(columns.get(i))).length());
            }
        }
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            header.append(String.format("%-" + widths[i] + "s  ", columns.get(i).toUpperCase()));
        }
        out.println(header.toString().stripTrailing());
        for (JsonNode row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < columns.size(); i++) {
                line.append(String.format("%-" + widths[i] + "s  ", text(row.get(columns.get(i)))));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String text(JsonNode node) {
        if (node == null || node.isNull()) {
            return "-";
        }
        return node.isValueNode() ? node.asText() : node.toString();
    }
}
