package dev.capstan.controllers;

/**
 * A reconcile that could not finish for a reason it has already reported where users look (an
 * object's conditions): thrown out of {@code reconcile} so the key is retried with back-off, and
 * logged in one line, not as a defect.
 */
class RetryLater extends RuntimeException {

  RetryLater(String message) {
    super(message);
  }
}
