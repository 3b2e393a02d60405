package dev.tollgate.app;

import dev.tollgate.domain.TollgateException;
import dev.tollgate.http.ApiRequest;

/**
 * Authorizes operator requests. API Gateway's AWS_IAM authorizer has already verified the SigV4 signature (locally,
 * the runner's gateway checks the admin token in the same place); the handler still insists that the IAM identity
 * is present, so a route misconfigured without the authorizer fails closed.
 */
public final class AdminGate {

    /** Returns the operator identity used as the actor in ledger and audit entries. */
    public String enter(ApiRequest request) {
        return request.iamCaller().orElseThrow(TollgateException::unauthorized);
    }
}
