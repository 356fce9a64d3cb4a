app_name = "benchmarking"

urlpatterns: list = []
