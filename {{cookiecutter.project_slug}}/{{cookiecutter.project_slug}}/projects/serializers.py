from rest_framework import serializers
from rest_framework.validators import UniqueValidator

from .models import Project, Task


class ProjectSerializer(serializers.ModelSerializer):
    # The queryset only ever holds the current tenant's projects, so names are unique per tenant.
    name = serializers.CharField(max_length=200, validators=[UniqueValidator(queryset=Project.objects.all())])

    class Meta:
        model = Project
        fields = ["id", "name"]


class TaskSerializer(serializers.ModelSerializer):
    # Another tenant's project is not in this queryset: pointing at it is a 400, not a leak.
    project = serializers.PrimaryKeyRelatedField(queryset=Project.objects.all())

    class Meta:
        model = Task
        fields = ["id", "project", "title", "done"]
