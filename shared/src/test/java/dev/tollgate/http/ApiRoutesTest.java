package dev.tollgate.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ApiRoutesTest {

    @Test
    void matchesPathTemplatesAndMethods() {
        assertEquals(Optional.of("GET /admin/v1/accounts/{id}"), ApiRoutes.match("GET", "/admin/v1/accounts/acct_1"));
        assertEquals(Optional.empty(), ApiRoutes.match("PUT", "/admin/v1/accounts/acct_1"));
        assertEquals(Optional.empty(), ApiRoutes.match("GET", "/admin/v1/accounts/"));
        assertEquals(Optional.empty(), ApiRoutes.match("GET", "/api/v1/key/"), "a trailing slash is another path");
    }

    @Test
    void knowsWhichMethodsAPathAllows() {
        assertEquals(List.of("GET", "PATCH"), ApiRoutes.methodsFor("/admin/v1/accounts/acct_1"));
        assertTrue(ApiRoutes.pathExists("/api/v1/key"));
        assertFalse(ApiRoutes.pathExists("/api/v1/nope"));
    }
}
