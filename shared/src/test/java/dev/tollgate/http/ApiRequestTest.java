package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import dev.tollgate.domain.ErrorCode;
import dev.tollgate.domain.TollgateException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ApiRequestTest {

    private static ApiRequest request(String body, String contentType) {
        return ApiRequest.from(APIGatewayV2HTTPEvent.builder().withRouteKey("POST /api/v1/execute")
                .withRawPath("/api/v1/execute").withBody(body).withHeaders(Map.of("content-type", contentType)).build(), "req_1");
    }

    @Test
    void aPeekedBodyIsParsedOnceAndReusedByTheEndpoint() {
        ApiRequest r = request("{\"workspace\":\"ws_1\",\"tool\":\"tavily\"}", "application/json");
        var peeked = r.jsonObjectIfAny().orElseThrow();
        assertSame(peeked, r.jsonBody());
    }

    @Test
    void peekingNeverFailsAndTheEndpointStillGetsItsTypedErrors() {
        ApiRequest malformed = request("{nope", "application/json");
        assertTrue(malformed.jsonObjectIfAny().isEmpty());
        TollgateException invalid = assertThrows(TollgateException.class, malformed::jsonBody);
        assertEquals(ErrorCode.INVALID_JSON, invalid.code());
        assertTrue(invalid.getMessage().contains("line 1"), invalid.getMessage());

        ApiRequest wrongType = request("{\"tool\":\"tavily\"}", "text/plain");
        assertTrue(wrongType.jsonObjectIfAny().isPresent());
        assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE, assertThrows(TollgateException.class, wrongType::jsonBody).code());

        assertTrue(request("[1,2]", "application/json").jsonObjectIfAny().isEmpty());
    }

    @Test
    void aNumberBombIsAValidationErrorWithThePointerOfTheNumber() {
        ApiRequest bomb = request("{\"tool\":\"context7\",\"input\":{\"query\":\"react\",\"x\":1e999999999}}",
                "application/json");
        assertTrue(bomb.jsonObjectIfAny().isEmpty());
        TollgateException e = assertThrows(TollgateException.class, bomb::jsonBody);
        assertEquals(ErrorCode.VALIDATION_FAILED, e.code());
        assertEquals("/input/x", e.details().get("pointer"));
        TollgateException deep = assertThrows(TollgateException.class,
                request("{\"a\":" + "[".repeat(100_000), "application/json")::jsonBody);
        assertEquals(ErrorCode.VALIDATION_FAILED, deep.code());
    }

    @Test
    void jsonMustBeUtf8() {
        assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE, assertThrows(TollgateException.class,
                request("{}", "application/json; charset=utf-16")::jsonBody).code());
        assertEquals(0, request("{}", "application/json; charset=\"UTF-8\"").jsonBody().size());
        assertEquals(0, request("{}", "application/merge-patch+json").jsonBody().size());
        for (String garbage : new String[] {";;;", ";", "application/jsonx", "json"}) {
            assertEquals(ErrorCode.UNSUPPORTED_MEDIA_TYPE, assertThrows(TollgateException.class,
                    request("{}", garbage)::jsonBody).code(), garbage);
        }
    }
}
