from django.contrib.auth import authenticate
from rest_framework import serializers


class CredentialsSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"}, write_only=True)

    def validate(self, attrs):
        user = authenticate(self.context["request"], email=attrs["email"], password=attrs["password"])
        if user is None:
            raise serializers.ValidationError("Unable to sign in with these credentials.", code="authorization")
        attrs["user"] = user
        return attrs


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)


class MembershipSerializer(serializers.Serializer):
    tenant = serializers.CharField(source="tenant.slug", help_text="The tenant's slug: what a request names it by.")
    name = serializers.CharField(source="tenant.name")
    role = serializers.CharField()
    state = serializers.ChoiceField(
        choices=["active", "suspended"],
        source="tenant.state",
        help_text="suspended: an operator suspended the tenant, and every request to it answers 403.",
    )


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    memberships = MembershipSerializer(many=True)
