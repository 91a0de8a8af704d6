package io.github.redisstarter.autoconfigure;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.github.redisstarter.ratelimit.web.RateLimitInterceptor;
import io.github.redisstarter.ratelimit.web.RateLimitWebFilter;
import io.github.redisstarter.ratelimit.web.RateLimited;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.web.method.HandlerMethod;

/**
 * Warns at startup of every {@link RateLimited} that nothing applies, with the reason: a
 * method that is not a handler of an annotated controller (a service, or the handler
 * function of a functional route), or an app where neither the Spring MVC nor the WebFlux
 * integration is active. An annotation never does nothing silently.
 */
@AutoConfiguration(after = { RateLimitWebAutoConfiguration.class, RateLimitWebFluxAutoConfiguration.class })
public final class RateLimitedCheckAutoConfiguration {

	private static final Log logger = LogFactory.getLog(RateLimitedCheckAutoConfiguration.class);

	private static final String MVC_MAPPING = "org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping";

	private static final String WEBFLUX_MAPPING = "org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping";

	@Bean
	static SmartInitializingSingleton redisStarterUnappliedRateLimitedCheck(ListableBeanFactory beanFactory) {
		return () -> {
			List<String> unapplied = unapplied(beanFactory);
			if (unapplied.isEmpty()) {
				return;
			}
			boolean integrated = mvcActive(beanFactory) || webFluxActive(beanFactory);
			String reason = integrated
					? "they are not handler methods of an annotated controller (@RequestMapping, @GetMapping...), which"
							+ " is all @RateLimited applies to; limit functional routes and other requests with"
							+ " redis-starter.rate-limit.web.rules"
					: "neither the Spring MVC nor the WebFlux rate-limit integration is active in this app (not a web"
							+ " app, redis-starter.rate-limit.web.enabled=false, or no RateLimiter); call the"
							+ " RateLimiter yourself there";
			logger.warn("@RateLimited on " + unapplied + " limits nothing: " + reason);
		};
	}

	private static boolean mvcActive(ListableBeanFactory beanFactory) {
		return ClassUtils.isPresent(MVC_MAPPING, RateLimitedCheckAutoConfiguration.class.getClassLoader())
				&& MvcHandlers.active(beanFactory);
	}

	private static boolean webFluxActive(ListableBeanFactory beanFactory) {
		return ClassUtils.isPresent(WEBFLUX_MAPPING, RateLimitedCheckAutoConfiguration.class.getClassLoader())
				&& WebFluxHandlers.active(beanFactory);
	}

	/**
	 * The annotated methods and classes of the app's beans that no web integration
	 * applies.
	 */
	static List<String> unapplied(ListableBeanFactory beanFactory) {
		Set<Method> applied = new HashSet<>();
		if (mvcActive(beanFactory)) {
			applied.addAll(MvcHandlers.methods(beanFactory));
		}
		if (webFluxActive(beanFactory)) {
			applied.addAll(WebFluxHandlers.methods(beanFactory));
		}
		List<String> unapplied = new ArrayList<>();
		Set<Class<?>> seen = new HashSet<>();
		for (String name : beanFactory.getBeanDefinitionNames()) {
			Class<?> found = beanFactory.getType(name, false);
			if (found == null) {
				continue;
			}
			Class<?> type = ClassUtils.getUserClass(found);
			if (!seen.add(type) || !AnnotationUtils.isCandidateClass(type, RateLimited.class)) {
				continue;
			}
			Map<Method, Boolean> annotated = MethodIntrospector.selectMethods(type,
					(MethodIntrospector.MetadataLookup<Boolean>) (
							method) -> AnnotatedElementUtils.hasAnnotation(method, RateLimited.class) ? Boolean.TRUE
									: null);
			for (Method method : annotated.keySet()) {
				if (!applied.contains(method)) {
					unapplied.add(type.getSimpleName() + "#" + method.getName());
				}
			}
			if (AnnotatedElementUtils.hasAnnotation(type, RateLimited.class)
					&& applied.stream().noneMatch((m) -> m.getDeclaringClass().isAssignableFrom(type))) {
				unapplied.add(type.getSimpleName());
			}
		}
		unapplied.sort(null);
		return unapplied;
	}

	/** Apart, so that an app without Spring MVC never loads its classes. */
	private static final class MvcHandlers {

		static boolean active(ListableBeanFactory beanFactory) {
			return beanFactory.getBeanNamesForType(RateLimitInterceptor.class, false, false).length > 0;
		}

		static Set<Method> methods(ListableBeanFactory beanFactory) {
			Set<Method> methods = new HashSet<>();
			for (org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping mapping : beanFactory
				.getBeansOfType(org.springframework.web.servlet.mvc.method.RequestMappingInfoHandlerMapping.class)
				.values()) {
				mapping.getHandlerMethods().values().stream().map(HandlerMethod::getMethod).forEach(methods::add);
			}
			return methods;
		}

	}

	/** Apart, so that an app without WebFlux never loads its classes. */
	private static final class WebFluxHandlers {

		static boolean active(ListableBeanFactory beanFactory) {
			return beanFactory.getBeanNamesForType(RateLimitWebFilter.class, false, false).length > 0;
		}

		static Set<Method> methods(ListableBeanFactory beanFactory) {
			Set<Method> methods = new HashSet<>();
			for (org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping mapping : beanFactory
				.getBeansOfType(org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping.class)
				.values()) {
				mapping.getHandlerMethods().values().stream().map(HandlerMethod::getMethod).forEach(methods::add);
			}
			return methods;
		}

	}

}
