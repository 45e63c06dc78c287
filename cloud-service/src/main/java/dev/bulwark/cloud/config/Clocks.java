package dev.bulwark.cloud.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import java.time.Clock;

/**
 * The clock of the code that takes it by injection (so far the retention pruner): the system's, in UTC.
 * Application scoped, so a test can replace it ({@code QuarkusMock.installMockForType}) to move time.
 */
@ApplicationScoped
public class Clocks {

    @Produces
    @ApplicationScoped
    Clock clock() {
        return Clock.systemUTC();
    }
}
