//! The one error type of a render: the text Helm prints after `Error: `.

use std::fmt;

/// A failed load, values merge, render or assembly, carrying Helm's exact message.
#[derive(Clone, Debug, PartialEq)]
pub struct Error {
    message: String,
}

impl Error {
    /// An error with Helm's message text.
    pub fn new(message: impl Into<String>) -> Error {
        Error { message: message.into() }
    }

    /// The message, as Helm prints it after `Error: `.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_helms_message_unchanged() {
        let e = Error::new("path \"./x\" not found");
        assert_eq!(e.to_string(), "path \"./x\" not found");
        assert_eq!(e.message(), e.to_string());
    }
}
