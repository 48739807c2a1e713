package dev.capstan.store;

import jakarta.ejb.ApplicationException;

/**
 * A request refused for what it asks (bad input, a failed validation: a 4xx the client is meant
 * to get), possibly thrown from code the store runs inside its transaction, such as an update's
 * function. It is an application exception, inherited by its subclasses, so that the container
 * rolls the transaction back and hands it on as it is: a runtime exception that is not one
 * WildFly logs as a failed EJB invocation ({@code WFLYEJB0034}, ERROR) and wraps, and bad input
 * is no server error. The API's {@code ApiException} is one.
 */
@ApplicationException(rollback = true, inherited = true)
public class RefusedRequest extends RuntimeException {

  private static final long serialVersionUID = 1L;

  protected RefusedRequest(String message) {
    super(message);
  }
}
