// Error types shared by every stage; the CLI maps them to exit codes (cli/main.cpp).
// Library code throws these and never prints or exits.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>

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

/// A bad value of a named setting of a stage's Request ("window_months", "snap_km"). Library code
/// names the setting, never a command-line flag; the front end that filled the setting (a flag, or
/// an atlas file line) says where it was set (see SettingOrigins). Exit code 2.
class SettingError : public UsageError {
public:
    SettingError(std::string setting, const std::string& message)
        : UsageError(setting + ": " + message), m_setting(std::move(setting)), m_message(message)
    {
    }
    [[nodiscard]] const std::string& setting() const { return m_setting; }
    /// The message without the setting name.
    [[nodiscard]] const std::string& message() const { return m_message; }

private:
    std::string m_setting;
    std::string m_message;
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
