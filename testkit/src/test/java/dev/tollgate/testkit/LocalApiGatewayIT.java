package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class LocalApiGatewayIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String IAM_HEADER = "x-local-iam";
    private static final int BARRIER_PARTIES = 4;
    private static final CyclicBarrier BARRIER = new CyclicBarrier(BARRIER_PARTIES);
    private static final ConcurrentLinkedQueue<String> LOG = new ConcurrentLinkedQueue<>();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static List<FunctionSpec> functions;
    private static LocalApiGateway gateway;

    @BeforeAll
    static void start() {
        functions = SamTemplate.load(SamTemplateTest.fixture()).functions();
        Function<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> echo = LocalApiGatewayIT::echo;
        gateway = new LocalApiGateway(functions, Map.of("OrdersFunction", echo, "AdminFunction", echo), "127.0.0.1", 0,
                LocalApiGateway.Options.defaults()
                        .withIamHeader(IAM_HEADER, "operator-token"::equals)
                        .withRequestLog(LOG::add));
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    /** Describes the event it got, or does what the path asks for. */
    private static APIGatewayV2HTTPResponse echo(APIGatewayV2HTTPEvent event) {
        String id = event.getPathParameters() == null ? "" : event.getPathParameters().getOrDefault("id", "");
        if (event.getRawPath().equals("/api/v1/orders/export")) {
            return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                    .withHeaders(Map.of("content-type", "application/octet-stream"))
                    .withBody(event.getBody() == null ? null : event.getIsBase64Encoded() ? event.getBody()
                            : Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8)))
                    .withIsBase64Encoded(true).build();
        }
        switch (id) {
            case "boom" -> throw new IllegalStateException("handler failed");
            case "zero" -> {
                return new APIGatewayV2HTTPResponse();
            }
            case "barrier" -> {
                try {
                    BARRIER.await(10, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw new IllegalStateException("requests were not served concurrently", e);
                }
            }
            case "cookies" -> {
                return APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                        .withHeaders(Map.of("content-type", "text/plain", "x-single", "one"))
                        .withMultiValueHeaders(Map.of("x-multi", List.of("a", "b")))
                        .withCookies(List.of("session=s1; HttpOnly", "theme=dark"))
                        .withBody("created").build();
            }
            default -> {
            }
        }
        return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                .withHeaders(Map.of("content-type", "application/json"))
                .withBody(ApiEvents.toJson(event)).build();
    }

    private static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(gateway.baseUri().resolve(pathAndQuery));
    }

    private static JsonNode eventOf(HttpResponse<byte[]> response) throws Exception {
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        return JSON.readTree(response.body());
    }

    @Test
    void buildsAPayloadV2EventForAMatchedRoute() throws Exception {
        JsonNode event = eventOf(send(request("/api/v1/orders/ord%201/lines/3?x=1&x=2&y=a%20b&flag")
                .header("X-Custom", "first").header("X-Custom", "second")
                .header("Cookie", "session=abc; theme=dark")
                .header("User-Agent", "it-test/1.0")));

        assertEquals("2.0", event.get("version").asText());
        assertEquals("GET /api/v1/orders/{id}/lines/{line}", event.get("routeKey").asText());
        assertEquals("/api/v1/orders/ord%201/lines/3", event.get("rawPath").asText());
        assertEquals("x=1&x=2&y=a%20b&flag", event.get("rawQueryString").asText());
        assertEquals(Map.of("id", "ord 1", "line", "3"), JSON.convertValue(event.get("pathParameters"), Map.class));
        assertEquals(Map.of("x", "1,2", "y", "a b", "flag", ""), JSON.convertValue(event.get("queryStringParameters"), Map.class));
        assertEquals("first,second", event.at("/headers/x-custom").asText());
        assertEquals("it-test/1.0", event.at("/headers/user-agent").asText());
        assertEquals("127.0.0.1", event.at("/headers/x-forwarded-for").asText());
        assertFalse(event.get("headers").has("cookie"), "cookies move to the cookies field");
        assertEquals(List.of("session=abc", "theme=dark"), JSON.convertValue(event.get("cookies"), List.class));
        assertFalse(event.has("body"));
        assertFalse(event.get("isBase64Encoded").booleanValue());

        JsonNode context = event.get("requestContext");
        assertEquals("GET", context.at("/http/method").asText());
        assertEquals("/api/v1/orders/ord%201/lines/3", context.at("/http/path").asText());
        assertEquals("HTTP/1.1", context.at("/http/protocol").asText());
        assertEquals("127.0.0.1", context.at("/http/sourceIp").asText());
        assertEquals("it-test/1.0", context.at("/http/userAgent").asText());
        assertEquals("$default", context.get("stage").asText());
        assertEquals("GET /api/v1/orders/{id}/lines/{line}", context.get("routeKey").asText());
        assertEquals(16, context.get("requestId").asText().length());
        assertTrue(context.get("time").asText().matches("\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000"));
        assertTrue(context.get("timeEpoch").asLong() > 1_600_000_000_000L);
        assertFalse(context.has("authorizer"));
    }

    @Test
    void exactPathsWinOverTemplates() throws Exception {
        JsonNode export = JSON.readTree(new String(send(request("/api/v1/orders/export")
                .method("GET", HttpRequest.BodyPublishers.ofString("{}"))
                .header("content-type", "application/json")).body(), StandardCharsets.UTF_8));
        assertEquals("{}", export.toString(), "served by ANY /api/v1/orders/export, not GET /api/v1/orders/{id}");
        assertEquals("GET /api/v1/orders/{id}", eventOf(send(request("/api/v1/orders/ord_1"))).get("routeKey").asText());
    }

    @Test
    void unmatchedRequestsAndMethodMismatchesGoToDefault() throws Exception {
        assertEquals("$default", eventOf(send(request("/nowhere"))).get("routeKey").asText());
        JsonNode post = eventOf(send(request("/api/v1/orders").POST(HttpRequest.BodyPublishers.ofString("{\"a\":1}"))
                .header("Content-Type", "application/json; charset=utf-8")));
        assertEquals("$default", post.get("routeKey").asText());
        assertEquals("{\"a\":1}", post.get("body").asText());
        assertFalse(post.get("isBase64Encoded").booleanValue());
        assertFalse(post.has("pathParameters"));
    }

    @Test
    void withoutDefaultRouteUnmatchedRequestsGet404() throws Exception {
        List<FunctionSpec> ordersOnly = functions.stream().filter(f -> f.logicalId().equals("OrdersFunction")).toList();
        try (LocalApiGateway noDefault = new LocalApiGateway(ordersOnly,
                Map.of("OrdersFunction", LocalApiGatewayIT::echo), "127.0.0.1", 0)) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(noDefault.baseUri().resolve("/api/v1/orders"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, response.statusCode());
            assertEquals("{\"message\":\"Not Found\"}", response.body());
            assertEquals("application/json", response.headers().firstValue("content-type").orElseThrow());
        }
    }

    @Test
    void iamRoutesNeedTheStandInHeader() throws Exception {
        HttpResponse<byte[]> unsigned = send(request("/admin/v1/platform-keys/openai"));
        assertEquals(403, unsigned.statusCode());
        assertEquals("{\"message\":\"Forbidden\"}", new String(unsigned.body(), StandardCharsets.UTF_8));
        assertEquals(403, send(request("/admin/v1/platform-keys/openai").header(IAM_HEADER, "wrong")).statusCode());

        JsonNode event = eventOf(send(request("/admin/v1/platform-keys/openai").header(IAM_HEADER, "operator-token")));
        assertEquals("ANY /admin/v1/{proxy+}", event.get("routeKey").asText());
        assertEquals("platform-keys/openai", event.at("/pathParameters/proxy").asText());
        assertEquals(LocalApiGateway.LOCAL_USER_ARN, event.at("/requestContext/authorizer/iam/userArn").asText());
        assertFalse(event.get("headers").has(IAM_HEADER), "the stand-in is consumed like a signature");

        JsonNode open = eventOf(send(request("/api/v1/orders/1").header(IAM_HEADER, "operator-token")));
        assertFalse(open.get("requestContext").has("authorizer"), "only AWS_IAM routes carry an IAM identity");
    }

    @Test
    void binaryBodiesArriveBase64Encoded() throws Exception {
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        JsonNode event = eventOf(send(request("/somewhere").POST(HttpRequest.BodyPublishers.ofByteArray(bytes))
                .header("content-type", "application/octet-stream")));
        assertTrue(event.get("isBase64Encoded").booleanValue());
        assertArrayEquals(bytes, Base64.getDecoder().decode(event.get("body").asText()));
    }

    @Test
    void writesStatusHeadersCookiesAndBody() throws Exception {
        HttpResponse<byte[]> response = send(request("/api/v1/orders/cookies"));
        assertEquals(201, response.statusCode());
        assertEquals("created", new String(response.body(), StandardCharsets.UTF_8));
        assertEquals("one", response.headers().firstValue("x-single").orElseThrow());
        assertEquals(List.of("a", "b"), response.headers().allValues("x-multi"));
        assertEquals(List.of("session=s1; HttpOnly", "theme=dark"), response.headers().allValues("set-cookie"));
        assertNotNull(response.headers().firstValue("apigw-requestid").orElse(null));
    }

    @Test
    void handlerFailuresBecome500() throws Exception {
        for (String path : List.of("/api/v1/orders/boom", "/api/v1/orders/zero")) {
            HttpResponse<byte[]> response = send(request(path));
            assertEquals(500, response.statusCode(), path);
            assertEquals("{\"message\":\"Internal Server Error\"}", new String(response.body(), StandardCharsets.UTF_8));
        }
        assertTrue(LOG.stream().anyMatch(line -> line.contains("/api/v1/orders/boom 500") && line.contains("handler failed")),
                LOG::toString);
    }

    @Test
    void headAndOptionsAreServedWithoutFuss() throws Exception {
        HttpResponse<byte[]> head = send(request("/api/v1/orders/export").method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals(0, head.body().length);

        HttpResponse<byte[]> options = send(request("/api/v1/orders/1").method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, options.statusCode());
        assertEquals("$default", JSON.readTree(options.body()).get("routeKey").asText());
    }

    @Test
    void carriesTwoMebibyteBodiesBothWays() throws Exception {
        byte[] body = new byte[2 * 1024 * 1024 + 17];
        new Random(42).nextBytes(body);
        HttpResponse<byte[]> response = send(request("/api/v1/orders/export")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).header("content-type", "application/octet-stream"));
        assertEquals(200, response.statusCode());
        assertArrayEquals(body, response.body());
    }

    @Test
    void rejectsBodiesAboveTheLimit() throws Exception {
        try (LocalApiGateway small = new LocalApiGateway(functions, Map.of("OrdersFunction", LocalApiGatewayIT::echo,
                "AdminFunction", LocalApiGatewayIT::echo), "127.0.0.1", 0, LocalApiGateway.Options.defaults().withMaxBodyBytes(1024))) {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(small.baseUri().resolve("/api/v1/orders/export"))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[4096])).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(413, response.statusCode());
        }
    }

    @Test
    void servesRequestsConcurrently() throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            // Each of these blocks until all of them have arrived: served one at a time they would fail.
            List<Future<HttpResponse<byte[]>>> waiting = new ArrayList<>();
            for (int i = 0; i < BARRIER_PARTIES; i++) {
                waiting.add(clients.submit(() -> send(request("/api/v1/orders/barrier"))));
            }
            List<Future<HttpResponse<byte[]>>> many = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                String id = "ord_" + i;
                many.add(clients.submit(() -> send(request("/api/v1/orders/" + id))));
            }
            for (Future<HttpResponse<byte[]>> response : waiting) {
                assertEquals(200, response.get(20, TimeUnit.SECONDS).statusCode());
            }
            for (int i = 0; i < many.size(); i++) {
                assertEquals("ord_" + i, eventOf(many.get(i).get(20, TimeUnit.SECONDS)).at("/pathParameters/id").asText());
            }
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void refusesFunctionsWithRoutesButNoInvoker() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new LocalApiGateway(functions, Map.of("OrdersFunction", LocalApiGatewayIT::echo), "127.0.0.1", 0));
        assertTrue(e.getMessage().contains("AdminFunction"), e.getMessage());
    }

    @Test
    void baseUriIsTheBoundAddress() {
        assertEquals(URI.create("http://127.0.0.1:" + gateway.port()), gateway.baseUri());
    }
}
