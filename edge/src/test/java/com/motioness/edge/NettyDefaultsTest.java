package com.motioness.edge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Properties;
import org.junit.jupiter.api.Test;

class NettyDefaultsTest {
    @Test
    void setsWhatTheCommandLineDidNotAndKeepsWhatItDid() {
        Properties properties = new Properties();
        properties.setProperty("io.netty.leakDetection.level", "paranoid");

        NettyDefaults.apply(properties);

        assertEquals("paranoid", properties.getProperty("io.netty.leakDetection.level"));
        assertEquals("1024", properties.getProperty("io.netty.recycler.chunkSize"));
        assertEquals("7", properties.getProperty("io.netty.allocator.maxOrder"));
    }
}
