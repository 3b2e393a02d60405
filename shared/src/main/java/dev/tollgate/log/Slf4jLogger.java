package dev.tollgate.log;

import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * A library's SLF4J logger: WARN and ERROR become Tollgate log lines named after the library's logger (message and
 * arguments formatted, then redacted like every line); TRACE, DEBUG and INFO are dropped whatever
 * {@code TOLLGATE_LOG_LEVEL} says, and {@code TOLLGATE_LOG_LEVEL=ERROR} drops the warnings too.
 */
final class Slf4jLogger extends LegacyAbstractLogger {
    private final transient Log log;

    Slf4jLogger(String name) {
        this.name = name;
        this.log = Log.named(name);
    }

    @Override
    public boolean isTraceEnabled() {
        return false;
    }

    @Override
    public boolean isDebugEnabled() {
        return false;
    }

    @Override
    public boolean isInfoEnabled() {
        return false;
    }

    @Override
    public boolean isWarnEnabled() {
        return Log.libraryEnabled(Log.Level.WARN);
    }

    @Override
    public boolean isErrorEnabled() {
        return Log.libraryEnabled(Log.Level.ERROR);
    }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                               Throwable error) {
        Log.Level ours = level == Level.ERROR ? Log.Level.ERROR : level == Level.WARN ? Log.Level.WARN : null;
        if (ours != null && Log.libraryEnabled(ours)) {
            log.writeLine(ours, MessageFormatter.basicArrayFormat(pattern, arguments), error);
        }
    }
}
