from django.contrib.auth.backends import ModelBackend

from doanket.accounts.models import User


class CaseInsensitiveUsernameBackend(ModelBackend):
    """“NguyenVanBa” and “nguyenvanba” are the same login, as they are when creating one."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = User.objects.filter(username__iexact=username.strip()).order_by("id").first()
        if user is None:
            User().set_password(password)  # the same work as a real check, against timing
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
