"""Running xiaobao: request ids, security headers, health, the background worker."""
