// Error types shared by every stage; the CLI maps them to exit codes (cli/main.cpp).
// Library code throws these and never prints or exits.
#pragma once

#include <stdexcept>
#include <string>

namespace migratlas {

/// Base of all migratlas errors. The message is one sentence a user can act on.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Bad command-line usage or parameters (exit code 2).
class UsageError : public Error {
public:
    using Error::Error;
};

/// A structural input problem: missing file or column, unreadable format, unknown CRS (exit 1).
class InputError : public Error {
public:
    using Error::Error;
};

/// The data were read but cannot be processed: failed validation, no convergence (exit 1).
class DataError : public Error {
public:
    using Error::Error;
};

} // namespace migratlas
