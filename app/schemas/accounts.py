"""Forms of signing in and of one's own account."""

from app.schemas.base import FormModel
from app.schemas.fields import Password, Text


class LoginForm(FormModel):
    login: Text(254)
    password: Password()
    next: Text(2000) = "/"


class LanguageForm(FormModel):
    locale: Text(16)
    next: Text(2000) = "/"


class PasswordChangeForm(FormModel):
    current_password: Password()
    new_password: Password()
    confirm_password: Password()


class OneTimePasswordForm(FormModel):
    password: Password() = ""  # blank: one is generated
