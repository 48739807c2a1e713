package dev.capstan.validation.schema;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class JsonNamesTest {

  private static final List<String[]> KINDS = List.of(new String[] {"", "Pod"},
      new String[] {"", "Node"}, new String[] {"", "LimitRange"}, new String[] {"", "Service"},
      new String[] {"", "Endpoints"}, new String[] {"", "ResourceQuota"},
      new String[] {"", "Event"}, new String[] {"apps", "Deployment"},
      new String[] {"apps", "DaemonSet"}, new String[] {"batch", "Job"},
      new String[] {"coordination.k8s.io", "Lease"}, new String[] {"events.k8s.io", "Event"});

  @Test
  void everyFieldOfTheServedKindsHasTheNameFabric8sAnnotationGivesIt() {
    Deque<Class<?>> pending = new ArrayDeque<>();
    Set<Class<?>> seen = new HashSet<>();
    KINDS.forEach(kind -> pending.add(ModelClasses.of(kind[0], kind[1]).orElseThrow()));
    int checked = 0;
    while (!pending.isEmpty()) {
      Class<?> type = pending.pop();
      if (!seen.add(type)) {
        continue;
      }
      for (Field field : type.getDeclaredFields()) {
        if (Modifier.isStatic(field.getModifiers())) {
          continue;
        }
        JsonProperty property = field.getAnnotation(JsonProperty.class);
        if (property != null && !property.value().isEmpty()) {
          assertThat(JsonNames.of(field)).as(type.getSimpleName() + "." + field.getName())
              .isEqualTo(property.value());
          checked++;
        }
        enqueueModelTypes(field.getGenericType(), pending);
      }
    }
    assertThat(checked).as("fields checked").isGreaterThan(500);
  }

  private static void enqueueModelTypes(Type type, Deque<Class<?>> pending) {
    if (type instanceof Class<?> c && c.getName().startsWith("io.fabric8.kubernetes.api.model")
        && !c.isEnum() && !c.isInterface()) {
      pending.add(c);
    } else if (type instanceof ParameterizedType parameterized) {
      for (Type argument : parameterized.getActualTypeArguments()) {
        enqueueModelTypes(argument, pending);
      }
    }
  }
}
