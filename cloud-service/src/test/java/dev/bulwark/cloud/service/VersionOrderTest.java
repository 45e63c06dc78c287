package dev.bulwark.cloud.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VersionOrderTest {

    @Test
    void comparesPartsNumerically() {
        assertThat(VersionOrder.INSTANCE.compare("1.10", "1.9")).isPositive();
        assertThat(VersionOrder.INSTANCE.compare("1.2", "1.2.0")).isZero();
        assertThat(VersionOrder.INSTANCE.compare("2.0", "10.0")).isNegative();
        assertThat(VersionOrder.INSTANCE.compare("1.01", "1.1")).isZero();
        assertThat(VersionOrder.INSTANCE.compare("1.0-beta", "1.0-alpha")).isPositive();
    }
}
