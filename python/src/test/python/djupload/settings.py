"""A Django project receiving uploads: request.FILES through Django's MultiPartParser and upload handlers (files
over 2.5 MB go to a temporary file, as Django's defaults have it)."""
SECRET_KEY = "wsgiflux-test-only"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "djupload.urls"
INSTALLED_APPS = []
MIDDLEWARE = [
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
]
DATABASES = {}
USE_TZ = True
