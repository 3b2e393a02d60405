package dev.tollgate.store;

import static dev.tollgate.store.Attr.s;

import dev.tollgate.domain.Account;
import dev.tollgate.domain.Role;
import dev.tollgate.workspace.Agent;
import dev.tollgate.workspace.Membership;
import dev.tollgate.workspace.WorkspaceStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.Delete;
import software.amazon.awssdk.services.dynamodb.model.Put;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.Update;

/**
 * Memberships (sk {@code member#<account>}, indexed by member in GSI ByMember) and agents (sk {@code agent#<id>})
 * under the workspace's partition of the accounts table. The profile keeps {@code admin_count}; every change of
 * admins moves it in the same transaction with a condition that it never reaches zero, so a workspace cannot be
 * left without an admin even by concurrent requests.
 */
public final class DynamoWorkspaceStore implements WorkspaceStore {
    private final DynamoDbClient dynamo;
    private final String table;
    private final DynamoAccountStore accounts;

    public DynamoWorkspaceStore(DynamoDbClient dynamo, String table) {
        this.dynamo = dynamo;
        this.table = table;
        this.accounts = new DynamoAccountStore(dynamo, table);
    }

    @Override
    public void create(Account workspace, Membership creator, int balanceShards) {
        List<TransactWriteItem> writes = new ArrayList<>(
                accounts.creationWrites(workspace, balanceShards, Map.of("admin_count", Attr.n(1))));
        writes.add(TransactWriteItem.builder().put(Put.builder().tableName(table).item(memberItem(creator))
                .conditionExpression("attribute_not_exists(pk)").build()).build());
        dynamo.transactWriteItems(b -> b.transactItems(writes));
    }

    @Override
    public Optional<Membership> membership(String workspaceId, String accountId) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(workspaceId), "sk", s("member#" + accountId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(readMember(item));
    }

    @Override
    public List<Membership> members(String workspaceId) {
        return dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(workspaceId), ":p", s("member#"))))
                .items().stream().map(DynamoWorkspaceStore::readMember).toList();
    }

    @Override
    public List<Membership> workspacesOf(String accountId) {
        return dynamo.queryPaginator(b -> b.tableName(table).indexName("ByMember")
                        .keyConditionExpression("gsi1pk = :a")
                        .expressionAttributeValues(Map.of(":a", s(accountId))))
                .items().stream().map(DynamoWorkspaceStore::readMember).toList();
    }

    @Override
    public boolean putMember(Membership m, Optional<Role> previousRole) {
        List<TransactWriteItem> writes = new ArrayList<>();
        Put.Builder put = Put.builder().tableName(table).item(memberItem(m));
        if (previousRole.isEmpty()) {
            put.conditionExpression("attribute_not_exists(pk)");
        } else {
            put.conditionExpression("#role = :prev").expressionAttributeNames(Map.of("#role", "role"))
                    .expressionAttributeValues(Map.of(":prev", s(previousRole.get().wire())));
        }
        writes.add(TransactWriteItem.builder().put(put.build()).build());
        int delta = (m.role() == Role.ADMIN ? 1 : 0) - (previousRole.orElse(Role.MEMBER) == Role.ADMIN ? 1 : 0);
        if (delta != 0) {
            writes.add(adminCount(m.workspaceId(), delta));
        }
        return Transactions.tryWrite(dynamo, writes);
    }

    @Override
    public boolean removeMember(String workspaceId, String accountId, Role role) {
        List<TransactWriteItem> writes = new ArrayList<>();
        writes.add(TransactWriteItem.builder().delete(Delete.builder().tableName(table)
                .key(Map.of("pk", s(workspaceId), "sk", s("member#" + accountId)))
                .conditionExpression("#role = :role").expressionAttributeNames(Map.of("#role", "role"))
                .expressionAttributeValues(Map.of(":role", s(role.wire()))).build()).build());
        if (role == Role.ADMIN) {
            writes.add(adminCount(workspaceId, -1));
        }
        return Transactions.tryWrite(dynamo, writes);
    }

    private TransactWriteItem adminCount(String workspaceId, int delta) {
        return TransactWriteItem.builder().update(Update.builder().tableName(table)
                .key(Map.of("pk", s(workspaceId), "sk", s(DynamoAccountStore.PROFILE)))
                .updateExpression("SET admin_count = admin_count + :d")
                .conditionExpression(delta < 0 ? "admin_count > :one" : "attribute_exists(pk)")
                .expressionAttributeValues(delta < 0 ? Map.of(":d", Attr.n(delta), ":one", Attr.n(1))
                        : Map.of(":d", Attr.n(delta)))
                .build()).build();
    }

    @Override
    public void putAgent(Agent agent) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(agent.workspaceId()));
        item.put("sk", s("agent#" + agent.id()));
        item.put("agent_id", s(agent.id()));
        item.put("name", s(agent.name()));
        item.put("key_bindings", bindings(agent.keyBindings()));
        item.put("created_at", Attr.time(agent.createdAt()));
        item.put("created_by", s(agent.createdBy()));
        dynamo.putItem(b -> b.tableName(table).item(item).conditionExpression("attribute_not_exists(pk)"));
    }

    @Override
    public Optional<Agent> agent(String workspaceId, String agentId) {
        var item = dynamo.getItem(b -> b.tableName(table).consistentRead(true)
                .key(Map.of("pk", s(workspaceId), "sk", s("agent#" + agentId)))).item();
        return item == null || item.isEmpty() ? Optional.empty() : Optional.of(readAgent(item));
    }

    @Override
    public List<Agent> agents(String workspaceId) {
        return dynamo.queryPaginator(b -> b.tableName(table).consistentRead(true)
                        .keyConditionExpression("pk = :pk AND begins_with(sk, :p)")
                        .expressionAttributeValues(Map.of(":pk", s(workspaceId), ":p", s("agent#"))))
                .items().stream().map(DynamoWorkspaceStore::readAgent).toList();
    }

    @Override
    public boolean updateBindings(String workspaceId, String agentId, Map<String, String> bindings) {
        try {
            dynamo.updateItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(workspaceId), "sk", s("agent#" + agentId)))
                    .updateExpression("SET key_bindings = :b")
                    .conditionExpression("attribute_exists(pk)")
                    .expressionAttributeValues(Map.of(":b", bindings(bindings))));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    @Override
    public boolean deleteAgent(String workspaceId, String agentId) {
        try {
            dynamo.deleteItem(b -> b.tableName(table)
                    .key(Map.of("pk", s(workspaceId), "sk", s("agent#" + agentId)))
                    .conditionExpression("attribute_exists(pk)"));
            return true;
        } catch (ConditionalCheckFailedException gone) {
            return false;
        }
    }

    private static Map<String, AttributeValue> memberItem(Membership m) {
        Map<String, AttributeValue> item = new HashMap<>();
        item.put("pk", s(m.workspaceId()));
        item.put("sk", s("member#" + m.accountId()));
        item.put("gsi1pk", s(m.accountId()));
        item.put("gsi1sk", s(m.workspaceId()));
        item.put("role", s(m.role().wire()));
        item.put("added_at", Attr.time(m.addedAt()));
        item.put("added_by", s(m.addedBy()));
        return item;
    }

    private static Membership readMember(Map<String, AttributeValue> item) {
        return new Membership(Attr.str(item, "pk"), Attr.str(item, "gsi1pk"),
                Role.valueOf(Attr.str(item, "role").toUpperCase(Locale.ROOT)), Attr.instant(item, "added_at"),
                Attr.str(item, "added_by"));
    }

    private static AttributeValue bindings(Map<String, String> bindings) {
        Map<String, AttributeValue> map = new LinkedHashMap<>();
        bindings.forEach((provider, keyId) -> map.put(provider, s(keyId)));
        return AttributeValue.fromM(map);
    }

    private static Agent readAgent(Map<String, AttributeValue> item) {
        Map<String, String> bindings = new TreeMap<>();
        AttributeValue raw = item.get("key_bindings");
        if (raw != null && raw.hasM()) {
            raw.m().forEach((provider, value) -> bindings.put(provider, value.s()));
        }
        return new Agent(Attr.str(item, "agent_id"), Attr.str(item, "pk"), Attr.str(item, "name"), bindings,
                Attr.instant(item, "created_at"), Attr.str(item, "created_by"));
    }
}
