package dev.tollgate.app;

import dev.tollgate.config.Config;
import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * Authorizes operator requests. Deployed ({@code TOLLGATE_ADMIN_AUTH=iam}) API Gateway has already verified the
 * SigV4 signature; the handler insists the IAM identity is present so a misrouted request cannot slip through.
 * Locally ({@code token}) the caller must present the admin token the runner printed, compared in constant time.
 */
public final class AdminGate {
    private final String mode;
    private final byte[] adminToken;

    public AdminGate(Config config) {
        this.mode = config.get("TOLLGATE_ADMIN_AUTH", "iam");
        this.adminToken = config.get("TOLLGATE_ADMIN_TOKEN").map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
        if (!"iam".equals(mode) && !"token".equals(mode)) {
            throw new IllegalStateException("TOLLGATE_ADMIN_AUTH must be 'iam' or 'token'");
        }
        if ("token".equals(mode) && (adminToken == null || adminToken.length < 16)) {
            throw new IllegalStateException("TOLLGATE_ADMIN_TOKEN (16+ characters) is required when TOLLGATE_ADMIN_AUTH=token");
        }
    }

    /** Returns the operator identity used as the actor in ledger and audit entries. */
    public String enter(ApiRequest request) {
        if ("iam".equals(mode)) {
            return request.iamCaller().orElseThrow(TollgateException::unauthorized);
        }
        String presented = request.header("authorization")
                .filter(h -> h.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(h -> h.substring(7).trim())
                .orElseThrow(TollgateException::unauthorized);
        if (!MessageDigest.isEqual(presented.getBytes(StandardCharsets.UTF_8), adminToken)) {
            throw TollgateException.unauthorized();
        }
        return "operator:local";
    }
}
