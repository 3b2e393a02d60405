package dev.tollgate.log;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.NOPMDCAdapter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * The SLF4J 2 binding of every Tollgate process (found by SLF4J's service loader): what the AWS SDK, Apache
 * HttpClient and the schema validator log becomes Tollgate JSON lines, with the invocation's ids and the redactor,
 * at WARN and ERROR only (see {@link Slf4jLogger}). No MDC: the invocation's ids are bound by {@link Invocation}.
 */
public final class Slf4jProvider implements SLF4JServiceProvider {
    private final ILoggerFactory loggers = Slf4jLogger::new;
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new NOPMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return loggers;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // Nothing to set up: lines go through Log's output.
    }
}
