package dev.capstan.patch;

/** A JSON Patch with more operations than a request may have (413, as kube-apiserver). */
public class PatchTooLargeException extends InvalidPatchException {

  public PatchTooLargeException(String message) {
    super(message);
  }
}
