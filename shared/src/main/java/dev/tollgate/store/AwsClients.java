package dev.tollgate.store;

import dev.tollgate.config.Config;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.kms.KmsClient;

/**
 * Builds the AWS SDK clients once per container, with everything explicit: the URL-connection HTTP client (fast
 * cold start), the region from {@code AWS_REGION}, credentials from the Lambda environment, and an endpoint
 * override ({@code AWS_ENDPOINT_URL_DYNAMODB}, {@code AWS_ENDPOINT_URL_KMS}, or {@code AWS_ENDPOINT_URL}) so the same
 * code runs against DynamoDB Local, moto or LocalStack by configuration only. Every client reports its calls to the
 * request's metrics ({@link AwsCallMetrics}).
 */
public final class AwsClients {
    private final Config config;
    private final SdkHttpClient http;
    private final ExecutionInterceptor interceptor;

    public AwsClients(Config config, ExecutionInterceptor interceptorOrNull) {
        this.config = config;
        this.interceptor = interceptorOrNull;
        this.http = UrlConnectionHttpClient.builder()
                .connectionTimeout(Duration.ofSeconds(2))
                .socketTimeout(Duration.ofSeconds(5))
                .build();
    }

    public DynamoDbClient dynamoDb() {
        var builder = DynamoDbClient.builder()
                .httpClient(http)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("DYNAMODB").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    public KmsClient kms() {
        var builder = KmsClient.builder()
                .httpClient(http)
                .region(region())
                .credentialsProvider(credentials())
                .overrideConfiguration(overrides());
        endpoint("KMS").ifPresent(builder::endpointOverride);
        return builder.build();
    }

    private ClientOverrideConfiguration overrides() {
        var builder = ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofSeconds(10))
                .addExecutionInterceptor(AwsCallMetrics.INSTANCE);
        if (interceptor != null) {
            builder.addExecutionInterceptor(interceptor);
        }
        return builder.build();
    }

    private Region region() {
        return Region.of(config.get("AWS_REGION", "us-east-1"));
    }

    private AwsCredentialsProvider credentials() {
        if (config.get("AWS_LAMBDA_FUNCTION_NAME").isPresent()) {
            // In Lambda: environment variables, or the container endpoint that SnapStart-restored functions use.
            return AwsCredentialsProviderChain.of(
                    EnvironmentVariableCredentialsProvider.create(), ContainerCredentialsProvider.builder().build());
        }
        String accessKey = config.get("AWS_ACCESS_KEY_ID", "local");
        String secretKey = config.get("AWS_SECRET_ACCESS_KEY", "local");
        return StaticCredentialsProvider.create(config.get("AWS_SESSION_TOKEN")
                .<AwsCredentials>map(t -> AwsSessionCredentials.create(accessKey, secretKey, t))
                .orElseGet(() -> AwsBasicCredentials.create(accessKey, secretKey)));
    }

    private Optional<URI> endpoint(String service) {
        return config.get("AWS_ENDPOINT_URL_" + service).or(() -> config.get("AWS_ENDPOINT_URL")).map(URI::create);
    }
}
