package dev.tollgate.testkit;

import java.lang.reflect.Proxy;
import java.util.UUID;

/**
 * A Lambda {@code Context} for tests: a fresh UUID request id (as Lambda's) and a function name, 29 s remaining.
 * Built as a proxy of the {@code Context} interface that {@code loader} sees, so a shaded jar under test
 * ({@link LambdaJar}) gets its own; on the test class path, cast the result to {@code Context}.
 */
public final class LambdaContexts {
    private LambdaContexts() {
    }

    public static Object create(ClassLoader loader, String functionName) {
        Class<?> contextType;
        try {
            contextType = loader.loadClass("com.amazonaws.services.lambda.runtime.Context");
        } catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("no Lambda Context interface on that class path", e);
        }
        String requestId = UUID.randomUUID().toString();
        Class<?>[] interfaces = {contextType};
        return Proxy.newProxyInstance(loader, interfaces, (proxy, method, args) -> switch (method.getName()) {
            case "getAwsRequestId" -> requestId;
            case "getFunctionName" -> functionName;
            case "getFunctionVersion" -> "$LATEST";
            case "getLogGroupName" -> "/aws/lambda/" + functionName;
            case "getRemainingTimeInMillis" -> 29_000;
            case "getMemoryLimitInMB" -> 1024;
            case "toString" -> "LambdaContext[" + functionName + ", " + requestId + "]";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> null;
        });
    }
}
