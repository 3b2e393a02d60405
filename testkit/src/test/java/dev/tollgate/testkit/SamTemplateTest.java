package dev.tollgate.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;

class SamTemplateTest {
    static Path fixture() {
        try {
            return Path.of(SamTemplateTest.class.getResource("/fixture-template.yaml").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private final SamTemplate template = SamTemplate.load(fixture());

    @Test
    void readsEveryTableInTemplateOrder() {
        assertEquals(List.of("OrdersTable", "LedgerTable"), template.tables().stream().map(TableSpec::logicalId).toList());
    }

    @Test
    void buildsCreateTableRequestWithKeysIndexesAndOnDemandBilling() {
        CreateTableRequest request = template.table("OrdersTable").createTableRequest("dev-orders");

        assertEquals("dev-orders", request.tableName());
        assertEquals(BillingMode.PAY_PER_REQUEST, request.billingMode());
        assertEquals(List.of("pk:S", "sk:S", "customer:S", "createdAt:N"), request.attributeDefinitions().stream()
                .map(d -> d.attributeName() + ":" + d.attributeTypeAsString()).toList());
        assertEquals(List.of("pk:HASH", "sk:RANGE"), request.keySchema().stream()
                .map(k -> k.attributeName() + ":" + k.keyTypeAsString()).toList());
        assertEquals(2, request.globalSecondaryIndexes().size());
        GlobalSecondaryIndex byCustomer = request.globalSecondaryIndexes().get(0);
        assertEquals("byCustomer", byCustomer.indexName());
        assertEquals(KeyType.HASH, byCustomer.keySchema().get(0).keyType());
        assertEquals("createdAt", byCustomer.keySchema().get(1).attributeName());
        assertEquals(ProjectionType.INCLUDE, byCustomer.projection().projectionType());
        assertEquals(List.of("status", "total"), byCustomer.projection().nonKeyAttributes());
        assertEquals(ProjectionType.KEYS_ONLY, request.globalSecondaryIndexes().get(1).projection().projectionType());
        assertFalse(request.hasLocalSecondaryIndexes());
        assertNull(request.provisionedThroughput());
    }

    @Test
    void readsTtlAndStreams() {
        assertEquals(Optional.of("expiresAt"), template.table("OrdersTable").ttlAttribute());
        TableSpec ledger = template.table("LedgerTable");
        assertEquals(Optional.empty(), ledger.ttlAttribute());
        assertEquals(StreamViewType.NEW_AND_OLD_IMAGES, ledger.createTableRequest().streamSpecification().streamViewType());
        assertEquals("LedgerTable", ledger.createTableRequest().tableName());
    }

    @Test
    void flattensGlobalEnvironmentIntrinsics() {
        Map<String, String> env = template.globalEnvironment();
        assertEquals("OrdersTable", env.get("ORDERS_TABLE"));
        assertEquals("LedgerTable", env.get("LEDGER_TABLE"));
        assertEquals("SigningKey.Arn", env.get("SIGNING_KEY_ARN"));
        assertEquals("LedgerTable.StreamArn", env.get("LEDGER_STREAM_ARN"));
        assertEquals("${Stage}-orders", env.get("STAGE_NAME"));
        assertEquals("a-Stage", env.get("JOINED"));
        assertEquals("1048576", env.get("MAX_BODY_BYTES"));
        assertEquals("true", env.get("FEATURE_ON"));
        assertEquals("-XX:+TieredCompilation -XX:TieredStopAtLevel=1", env.get("JAVA_TOOL_OPTIONS"));
        assertEquals(List.of("ORDERS_TABLE", "LEDGER_TABLE", "SIGNING_KEY_ARN", "LEDGER_STREAM_ARN", "STAGE_NAME",
                "JOINED", "MAX_BODY_BYTES", "FEATURE_ON", "JAVA_TOOL_OPTIONS"), List.copyOf(env.keySet()));
    }

    @Test
    void readsFunctionsWithHandlerCodeUriAndOwnEnvironment() {
        assertEquals(List.of("OrdersFunction", "AdminFunction"), template.functions().stream().map(FunctionSpec::logicalId).toList());
        FunctionSpec orders = template.functions().get(0);
        assertEquals("com.example.orders.OrdersHandler", orders.handlerClass());
        assertEquals("handleRequest", orders.handlerMethod());
        assertEquals("functions/orders/target/orders.jar", orders.codeUri());
        assertEquals(Map.of("ORDERS_ONLY", "yes", "TOPIC", "Stage"), orders.environment());

        FunctionSpec admin = template.functions().get(1);
        assertEquals("com.example.admin.AdminHandler", admin.handlerClass());
        assertEquals("handleRequest", admin.handlerMethod(), "Lambda's default method when the handler names none");
        assertEquals(Map.of(), admin.environment());
    }

    @Test
    void readsHttpApiRoutesOnlyWithApiGatewayRouteKeys() {
        List<RouteSpec> orders = template.functions().get(0).routes();
        assertEquals(List.of("GET /api/v1/orders", "GET /api/v1/orders/{id}", "GET /api/v1/orders/{id}/lines/{line}",
                "ANY /api/v1/orders/export"), orders.stream().map(RouteSpec::routeKey).toList());
        assertTrue(orders.stream().noneMatch(RouteSpec::iamAuth));
        assertEquals("GET", orders.get(0).method());
        assertEquals("/api/v1/orders/{id}", orders.get(1).path());

        List<RouteSpec> admin = template.functions().get(1).routes();
        assertEquals(new RouteSpec("ANY", "/admin/v1/{proxy+}", "ANY /admin/v1/{proxy+}", true), admin.get(0));
        RouteSpec fallback = admin.get(1);
        assertTrue(fallback.isDefault());
        assertEquals("$default", fallback.routeKey());
        assertNull(fallback.path());
        assertFalse(fallback.iamAuth());
    }

    @Test
    void appliesTheApiDefaultAuthorizerUnlessTheRouteOverridesIt() {
        SamTemplate withApi = SamTemplate.parse("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      Auth:
                        DefaultAuthorizer: AWS_IAM
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B::handle
                      CodeUri: { Bucket: b, Key: k }
                      Events:
                        Signed:
                          Type: HttpApi
                          Properties: { ApiId: !Ref Api, Path: /signed, Method: post }
                        Open:
                          Type: HttpApi
                          Properties: { ApiId: !Ref Api, Path: /open, Method: get, Auth: { Authorizer: NONE } }
                        Implicit:
                          Type: HttpApi
                          Properties: { Path: /implicit, Method: get }
                """);
        FunctionSpec fn = withApi.functions().get(0);
        assertEquals("handle", fn.handlerMethod());
        assertNull(fn.codeUri(), "an S3 CodeUri has no local path");
        assertEquals(List.of(true, false, false), fn.routes().stream().map(RouteSpec::iamAuth).toList());
        assertEquals("POST /signed", fn.routes().get(0).routeKey());
    }

    @Test
    void rejectsAnHttpApiEventWithOnlyPathOrMethod() {
        String yaml = """
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: a.B
                      Events:
                        Half: { Type: HttpApi, Properties: { Path: /x } }
                """;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SamTemplate.parse(yaml));
        assertTrue(e.getMessage().contains("Fn.Half"), e.getMessage());
    }

    @Test
    void keepsYamlCoreTagsAsPlainValues() {
        SamTemplate t = SamTemplate.parse("""
                Globals:
                  Function:
                    Environment:
                      Variables:
                        PORT: !!str 8080
                        EMPTY_REF: !Ref
                """);
        assertEquals(Map.of("PORT", "8080", "EMPTY_REF", ""), t.globalEnvironment());
        assertEquals(List.of(), t.tables());
        assertEquals(List.of(), t.functions());
    }
}
