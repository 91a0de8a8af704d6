package io.github.redisstarter.autoconfigure;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.queue.QueueHandler;

import org.springframework.aop.framework.AopProxyUtils;
import org.springframework.aop.scope.ScopedProxyUtils;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.MethodIntrospector;
import org.springframework.core.annotation.AnnotatedElementUtils;

/**
 * Finds the {@link JobHandler} methods of the beans as they are made, the way Spring
 * finds {@code @Scheduled} methods: no bean is made for it, and a proxied bean is called
 * through its proxy.
 */
final class JobHandlerMethods implements BeanPostProcessor {

	private final List<QueueHandler> handlers = new CopyOnWriteArrayList<>();

	@Override
	public Object postProcessAfterInitialization(Object bean, String beanName) {
		if (ScopedProxyUtils.isScopedTarget(beanName)) {
			// The scoped proxy of the same bean is found instead.
			return bean;
		}
		Class<?> type = AopProxyUtils.ultimateTargetClass(bean);
		if (type.getName().startsWith("org.springframework.")) {
			return bean;
		}
		Map<Method, JobHandler> methods = MethodIntrospector.selectMethods(type,
				(MethodIntrospector.MetadataLookup<JobHandler>) (method) -> AnnotatedElementUtils
					.findMergedAnnotation(method, JobHandler.class));
		methods.forEach((method, annotation) -> this.handlers.add(new MethodQueueHandler(annotation.value(), beanName,
				bean, AopUtils.selectInvocableMethod(method, bean.getClass()))));
		return bean;
	}

	/** The handlers found so far. */
	List<QueueHandler> handlers() {
		return List.copyOf(this.handlers);
	}

}
