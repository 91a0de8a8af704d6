package io.github.redisstarter.autoconfigure;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;

import io.github.redisstarter.queue.JobContext;
import io.github.redisstarter.queue.JobHandler;
import io.github.redisstarter.queue.QueueHandler;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ReflectionUtils;

/**
 * A bean's {@link JobHandler} method as a {@link QueueHandler}: its parameters are the
 * payload (read as the parameter's type) and the {@link JobContext}, in any order, each
 * at most once.
 */
final class MethodQueueHandler implements QueueHandler {

	private final String queue;

	private final String beanName;

	private final Object bean;

	private final Method method;

	private final @Nullable Class<?> payloadType;

	private final boolean payloadFirst;

	private final int parameters;

	MethodQueueHandler(String queue, String beanName, Object bean, Method method) {
		this.queue = queue;
		this.beanName = beanName;
		this.bean = bean;
		this.method = method;
		Class<?>[] types = method.getParameterTypes();
		if (types.length > 2
				|| (types.length == 2 && (types[0] == JobContext.class) == (types[1] == JobContext.class))) {
			throw new IllegalArgumentException("@JobHandler method " + describe(method)
					+ " must take the payload, a JobContext, or both (in any order)");
		}
		this.parameters = types.length;
		Class<?> payload = null;
		boolean first = false;
		for (int i = 0; i < types.length; i++) {
			if (types[i] != JobContext.class) {
				payload = types[i];
				first = (i == 0);
			}
		}
		this.payloadType = payload;
		this.payloadFirst = first;
		ReflectionUtils.makeAccessible(method);
	}

	static String describe(Method method) {
		return method.getDeclaringClass().getName() + "." + method.getName();
	}

	@Override
	public String queue() {
		return this.queue;
	}

	@Override
	public @Nullable Object handle(JobContext job) throws Exception {
		Object[] arguments = new Object[this.parameters];
		if (this.payloadType != null) {
			Object payload = job.payload(this.payloadType);
			arguments[this.payloadFirst ? 0 : arguments.length - 1] = payload;
			if (arguments.length == 2) {
				arguments[this.payloadFirst ? 1 : 0] = job;
			}
		}
		else if (arguments.length == 1) {
			arguments[0] = job;
		}
		try {
			return this.method.invoke(this.bean, arguments);
		}
		catch (InvocationTargetException ex) {
			Throwable cause = ex.getCause();
			if (cause instanceof Exception exception) {
				throw exception;
			}
			if (cause instanceof Error error) {
				throw error;
			}
			throw ex;
		}
	}

	@Override
	public String toString() {
		return "@JobHandler(\"" + this.queue + "\") " + describe(this.method) + " of bean '" + this.beanName + "'";
	}

}
