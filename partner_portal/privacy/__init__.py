"""A person's own data in the portal: seeing and downloading it, and having it removed."""
