package dev.capstan.api.objects;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonStructure;
import jakarta.transaction.Status;
import jakarta.transaction.SystemException;
import jakarta.transaction.UserTransaction;
import jakarta.ws.rs.core.Response;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One transaction around a whole write request, answer included: a write either commits and
 * answers 2xx, or answers an error and leaves no trace.
 *
 * <p>Each store call is a transaction of its own when nobody opened one; the answer used to be
 * built after that commit, so a failure there (a body too big to serialize, an
 * {@link OutOfMemoryError}, a defect in a warning or a Table) answered 500 for a write that was
 * stored anyway. Here the store calls join this transaction and the answer's body is rendered to
 * bytes before the commit; anything thrown until then rolls everything back. A transaction a
 * store call marked for rollback (a dry run) is rolled back, and its answer is still given.
 *
 * <p>The commit is the last step: if PostgreSQL refuses it, the client gets the error (a 500 or
 * 503 Status) and nothing was stored.
 */
@ApplicationScoped
public class WriteTransaction {

  private static final Logger LOG = Logger.getLogger(WriteTransaction.class.getName());

  @Resource
  private UserTransaction transaction;

  /** Runs a write and renders its answer inside one transaction, committed only after both. */
  public Response run(Supplier<Response> write) {
    begin();
    boolean done = false;
    try {
      Response response = rendered(write.get());
      if (transaction.getStatus() == Status.STATUS_MARKED_ROLLBACK) {
        transaction.rollback();
      } else {
        transaction.commit();
      }
      done = true;
      return response;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Exception e) {
      // RollbackException, HeuristicMixedException, HeuristicRollbackException, SystemException
      throw new IllegalStateException("the write could not be committed: " + e.getMessage(), e);
    } finally {
      if (!done) {
        rollback();
      }
    }
  }

  /** The answer with its JSON body serialized now, so a failure happens before the commit. */
  static Response rendered(Response response) {
    if (response.getEntity() instanceof JsonStructure json) {
      return Response.fromResponse(response)
          .entity(json.toString().getBytes(StandardCharsets.UTF_8))
          .build();
    }
    return response;
  }

  private void begin() {
    try {
      transaction.begin();
    } catch (Exception e) {
      throw new IllegalStateException("cannot begin a transaction: " + e.getMessage(), e);
    }
  }

  private void rollback() {
    try {
      int status = transaction.getStatus();
      if (status != Status.STATUS_NO_TRANSACTION && status != Status.STATUS_COMMITTED
          && status != Status.STATUS_ROLLEDBACK) {
        transaction.rollback();
      }
    } catch (SystemException | IllegalStateException | SecurityException e) {
      LOG.log(Level.WARNING, "Could not roll back a failed write", e);
    }
  }
}
