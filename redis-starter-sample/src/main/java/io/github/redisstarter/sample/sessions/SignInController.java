package io.github.redisstarter.sample.sessions;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * A small sign-in on HTTP sessions (Spring Session, stored by the starter: in Redis, so
 * that every instance knows the user; in the instance's memory while Redis is away). No
 * passwords: the name given is the user. See docs/sessions.md.
 */
@RestController
class SignInController {

	static final String USER = "user";

	/** Signs in as {@code name}; the session cookie ({@code SESSION}) carries it. */
	@PostMapping("/api/login")
	ResponseEntity<?> login(@RequestBody SignIn signIn, HttpServletRequest request) {
		if (signIn.name() == null || signIn.name().isBlank() || signIn.name().length() > 64) {
			return ResponseEntity.badRequest()
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "Give a name of 1 to 64 characters"));
		}
		HttpSession existing = request.getSession(false);
		if (existing != null) {
			// A new id at every sign-in: a session id known before it cannot be used to
			// ride on it.
			request.changeSessionId();
		}
		request.getSession(true).setAttribute(USER, signIn.name().strip());
		return ResponseEntity.ok(new Me(signIn.name().strip()));
	}

	/** Who is signed in: 401 without a valid session. */
	@GetMapping("/api/me")
	ResponseEntity<?> me(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		Object user = (session != null) ? session.getAttribute(USER) : null;
		if (user == null) {
			return ResponseEntity.status(HttpStatus.UNAUTHORIZED)
				.body(ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, "Not signed in"));
		}
		return ResponseEntity.ok(new Me(user.toString()));
	}

	@PostMapping("/api/logout")
	ResponseEntity<Void> logout(HttpServletRequest request) {
		HttpSession session = request.getSession(false);
		if (session != null) {
			session.invalidate();
		}
		return ResponseEntity.noContent().build();
	}

	record SignIn(String name) {
	}

	record Me(String user) {
	}

}
