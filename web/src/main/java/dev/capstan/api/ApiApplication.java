package dev.capstan.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The control plane's HTTP API, rooted at "/" as a Kubernetes API server's is. */
@ApplicationPath("/")
public class ApiApplication extends Application {}
