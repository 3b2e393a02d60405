package dev.tollgate.catalog;

import java.util.Objects;

/**
 * A {@code {name}} placeholder of a path template and where its value comes from.
 *
 * @param name   the placeholder name
 * @param source {@link Source#INPUT}: the input field of the same name, removed from the body/query;
 *               {@link Source#SECRET_USER}: the user part of a {@code user:pass} secret (Twilio's AccountSid)
 */
public record PathParam(String name, Source source) {
    public enum Source {
        INPUT,
        SECRET_USER
    }

    public PathParam {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(source, "source");
    }
}
