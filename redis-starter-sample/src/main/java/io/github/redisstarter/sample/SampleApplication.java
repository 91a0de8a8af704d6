package io.github.redisstarter.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/**
 * The sample app: runs with Redis (set REDIS_URL) or without it (the in-memory twins),
 * and shows which at {@code /actuator/health} and {@code /api/backend}.
 */
@SpringBootApplication
@EnableCaching
public class SampleApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
