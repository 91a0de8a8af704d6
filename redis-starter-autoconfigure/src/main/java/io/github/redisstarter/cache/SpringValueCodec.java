package io.github.redisstarter.cache;

import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.TypeFactory;

import org.springframework.core.ResolvableType;
import org.springframework.util.ClassUtils;

/**
 * Values of Spring's cache abstraction as JSON, each after a line that names its type:
 * {@code java.util.List<com.example.Role>}. The type is the cached method's declared
 * return type when the value is one (so generic collections come back as they left), else
 * the value's own class. A value is read back only as a type of the trusted packages or a
 * common JDK value type, checked before any class is loaded: a Redis that others can
 * write to cannot make the app instantiate arbitrary classes. "None" is the JSON literal
 * {@code null}.
 */
final class SpringValueCodec implements CacheCodec<Object> {

	private static final byte[] NONE = "null".getBytes(StandardCharsets.US_ASCII);

	/** Far above any real type line; a longer one is refused unread. */
	private static final int MAX_TYPE_LINE = 2048;

	private static final int MAX_TYPE_DEPTH = 16;

	/** JDK types a value may be made of besides the trusted packages: plain values. */
	private static final Set<String> JDK_TYPES = Set.of("java.lang.Object", "java.lang.String", "java.lang.Boolean",
			"java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
			"java.lang.Float", "java.lang.Double", "java.lang.Number", "java.math.BigDecimal", "java.math.BigInteger",
			"java.util.Collection", "java.util.List", "java.util.ArrayList", "java.util.LinkedList", "java.util.Set",
			"java.util.HashSet", "java.util.LinkedHashSet", "java.util.SortedSet", "java.util.TreeSet", "java.util.Map",
			"java.util.HashMap", "java.util.LinkedHashMap", "java.util.SortedMap", "java.util.TreeMap",
			"java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.net.URI");

	private final String cache;

	private final JsonMapper mapper;

	private final List<String> trustedPackages;

	SpringValueCodec(String cache, JsonMapper mapper, List<String> trustedPackages) {
		this.cache = cache;
		this.mapper = mapper;
		this.trustedPackages = trustedPackages;
	}

	@Override
	public byte[] encode(Optional<Object> value) {
		if (value.isEmpty()) {
			return NONE;
		}
		JavaType type = typeOf(value.get());
		String name = nameOf(type);
		byte[] json = this.mapper.writerFor(type).writeValueAsBytes(value.get());
		byte[] head = (name + "\n").getBytes(StandardCharsets.UTF_8);
		byte[] payload = Arrays.copyOf(head, head.length + json.length);
		System.arraycopy(json, 0, payload, head.length, json.length);
		return payload;
	}

	@Override
	public Optional<Object> decode(byte[] bytes) {
		if (Arrays.equals(bytes, NONE)) {
			return Optional.empty();
		}
		int newline = 0;
		while (newline < bytes.length && bytes[newline] != '\n') {
			newline++;
		}
		if (newline == bytes.length) {
			throw new IllegalStateException("no type line");
		}
		if (newline > MAX_TYPE_LINE) {
			throw new IllegalStateException("type line too long");
		}
		JavaType type = new TypeName(new String(bytes, 0, newline, StandardCharsets.UTF_8)).parse();
		Object value = this.mapper.readerFor(type).readValue(bytes, newline + 1, bytes.length - newline - 1);
		if (value == null) {
			throw new IllegalStateException("decoded no " + type);
		}
		// Read for a method that returns another type (its return type changed without a
		// new cache version, or another method's key met this one): not an answer for it.
		CachedMethodScope.Frame frame = CachedMethodScope.current();
		Class<?> expected = (frame != null && frame.covers(this.cache)) ? unwrapped(frame.returnType).resolve() : null;
		if (expected != null && !ClassUtils.resolvePrimitiveIfNecessary(expected).isInstance(value)) {
			throw new IllegalStateException(
					"a " + value.getClass().getName() + " where " + expected.getName() + " is expected");
		}
		return Optional.of(value);
	}

	/**
	 * The declared return type of the cached method being called when it says more than
	 * the value's class (the element types of a collection, a map or an array) or the
	 * same, and names no type variable; else the value's class (a JDK collection's
	 * interface when its class is hidden, as {@code List.of}'s is). A method declared to
	 * return a supertype ({@code Object}, an interface) stores its value's own class.
	 */
	private JavaType typeOf(Object value) {
		CachedMethodScope.Frame frame = CachedMethodScope.current();
		if (frame != null && frame.covers(this.cache)) {
			ResolvableType declared = unwrapped(frame.returnType);
			Class<?> raw = declared.resolve();
			boolean container = raw != null
					&& (Collection.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw.isArray());
			if (container && declared.hasUnresolvableGenerics()) {
				// Its elements would come back as maps on the next instance that reads
				// it.
				throw new IllegalArgumentException("Cache '" + this.cache + "' cannot keep a value declared as "
						+ declared + ": its element type is a type variable that the method's class does not bind;"
						+ " declare the element type, or bind the variable in a subclass");
			}
			if (raw != null && (raw == value.getClass() || (container && raw.isInstance(value)))) {
				JavaType type = javaType(declared);
				if (type != null) {
					return type;
				}
			}
		}
		Class<?> type = value.getClass();
		if (!Modifier.isPublic(type.getModifiers())) {
			for (Class<?> visible : List.of(List.class, Set.class, Map.class, Collection.class)) {
				if (visible.isInstance(value)) {
					type = visible;
					break;
				}
			}
		}
		return typeFactory().constructType(type);
	}

	/**
	 * What Spring caches of a method's result: the value inside an Optional or a future.
	 */
	private static ResolvableType unwrapped(ResolvableType type) {
		Class<?> raw = type.resolve();
		if (raw == Optional.class || (raw != null
				&& (CompletionStage.class.isAssignableFrom(raw) || Future.class.isAssignableFrom(raw)))) {
			return type.getGeneric(0);
		}
		return type;
	}

	/**
	 * The Jackson type of a declared type, or {@code null} when part of it is unresolved.
	 */
	private @Nullable JavaType javaType(ResolvableType type) {
		if (type.isArray()) {
			JavaType component = javaType(type.getComponentType());
			return (component != null) ? typeFactory().constructArrayType(component) : null;
		}
		Class<?> raw = type.resolve();
		if (raw == null) {
			return null;
		}
		if (!type.hasGenerics()) {
			return typeFactory().constructType(raw);
		}
		List<JavaType> arguments = new ArrayList<>();
		for (ResolvableType generic : type.getGenerics()) {
			JavaType argument = javaType(generic);
			if (argument == null) {
				return null;
			}
			arguments.add(argument);
		}
		return typeFactory().constructParametricType(raw, arguments.toArray(JavaType[]::new));
	}

	/**
	 * {@code java.util.List<com.example.Role>}, {@code long[]}; refused when untrusted.
	 */
	private String nameOf(JavaType type) {
		if (type.isArrayType()) {
			return nameOf(type.getContentType()) + "[]";
		}
		String name = type.getRawClass().getName();
		if (!type.getRawClass().isPrimitive() && !trusted(name)) {
			throw new IllegalArgumentException("Cache '" + this.cache + "' cannot keep a value of type " + name
					+ ": values are read back only as common JDK types or types of trusted packages (the"
					+ " application's and those in redis-starter.cache.trusted-packages); add '"
					+ type.getRawClass().getPackageName() + "' to redis-starter.cache.trusted-packages");
		}
		if (type.containedTypeCount() == 0) {
			return name;
		}
		List<String> arguments = new ArrayList<>();
		for (int i = 0; i < type.containedTypeCount(); i++) {
			arguments.add(nameOf(type.containedType(i)));
		}
		return name + "<" + String.join(",", arguments) + ">";
	}

	private boolean trusted(String className) {
		if (JDK_TYPES.contains(className) || className.startsWith("java.time.")) {
			return true;
		}
		for (String trusted : this.trustedPackages) {
			if (className.startsWith(trusted + ".")) {
				return true;
			}
		}
		return false;
	}

	private TypeFactory typeFactory() {
		return this.mapper.getTypeFactory();
	}

	/** Reads a type line back, checking each name before its class is loaded. */
	private final class TypeName {

		private final String text;

		private int at;

		private int depth;

		TypeName(String text) {
			this.text = text;
		}

		JavaType parse() {
			JavaType type = type();
			if (this.at != this.text.length()) {
				throw new IllegalStateException("bad type line");
			}
			return type;
		}

		private JavaType type() {
			if (++this.depth > MAX_TYPE_DEPTH) {
				throw new IllegalStateException("type line nested too deep");
			}
			int start = this.at;
			while (this.at < this.text.length() && "<>,[]".indexOf(this.text.charAt(this.at)) < 0) {
				this.at++;
			}
			JavaType type = typeFactory().constructType(load(this.text.substring(start, this.at)));
			if (next('<')) {
				List<JavaType> arguments = new ArrayList<>();
				do {
					arguments.add(type());
				}
				while (next(','));
				expect('>');
				type = typeFactory().constructParametricType(type.getRawClass(), arguments.toArray(JavaType[]::new));
			}
			while (next('[')) {
				expect(']');
				type = typeFactory().constructArrayType(type);
			}
			this.depth--;
			return type;
		}

		private Class<?> load(String name) {
			Class<?> primitive = ClassUtils.resolvePrimitiveClassName(name);
			if (primitive != null) {
				return primitive;
			}
			if (!trusted(name)) {
				throw new IllegalStateException("untrusted type " + name);
			}
			try {
				// Not initialised: a name is only a name until Jackson makes a value of
				// it.
				return Class.forName(name, false, ClassUtils.getDefaultClassLoader());
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException("unknown type " + name, ex);
			}
		}

		private boolean next(char c) {
			if (this.at < this.text.length() && this.text.charAt(this.at) == c) {
				this.at++;
				return true;
			}
			return false;
		}

		private void expect(char c) {
			if (!next(c)) {
				throw new IllegalStateException("bad type line");
			}
		}

	}

}
