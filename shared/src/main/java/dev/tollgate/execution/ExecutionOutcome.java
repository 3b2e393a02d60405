package dev.tollgate.execution;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The response of an execution: {@code {"result": ..., "billing": {...}}} with status 200, or, for an idempotent
 * replay of a stored failure, the stored error envelope and its status. {@code replayed} sets
 * {@code Idempotent-Replayed: true}. New failures are thrown as TollgateException instead.
 */
public record ExecutionOutcome(int status, ObjectNode body, boolean replayed) {
}
