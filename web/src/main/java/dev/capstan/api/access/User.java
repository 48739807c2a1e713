package dev.capstan.api.access;

import java.security.Principal;
import java.util.List;

/**
 * Who made a request, as a token file line names them.
 *
 * @param name the user name, e.g. {@code admin} or {@code system:node:worker-1}
 * @param uid the user's id
 * @param groups e.g. {@code system:masters}, {@code system:nodes}
 */
public record User(String name, String uid, List<String> groups) implements Principal {

  @Override
  public String getName() {
    return name;
  }
}
