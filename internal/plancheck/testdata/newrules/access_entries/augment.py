#!/usr/bin/env python3
"""Make plan.json from plan.terraform.json (what terraform show -json wrote): add
aws_eks_access_policy_association resources in the shape the hashicorp/aws provider
writes them (internal/service/eks/access_policy_association.go: access_scope is a list of
one block; associated_at, modified_at and id are computed). The provider is not in the
offline mirror. usage: augment.py CASE_DIR"""
import json, os, sys

d = sys.argv[1]
plan = json.load(open(os.path.join(d, "plan.terraform.json")))
aws = "registry.terraform.io/hashicorp/aws"
policy = "arn:aws:eks::aws:cluster-access-policy/"
account = "arn:aws:iam::210987654321:role/"
assocs = [
    ("platform", account + "platform-admin", "AmazonEKSClusterAdminPolicy", "cluster", None),
    ("oncall", account + "oncall", "AmazonEKSAdminPolicy", "cluster", None),
    ("team", account + "team-a", "AmazonEKSAdminPolicy", "namespace", ["team-a"]),
    ("auditors", account + "auditors", "AmazonEKSViewPolicy", "cluster", None),
    ("ci", None, "AmazonEKSClusterAdminPolicy", "cluster", None),  # principal from an aws_iam_role created in the same apply
]
for name, principal, pol, scope, namespaces in assocs:
    after = {"cluster_name": "shop", "policy_arn": policy + pol,
             "access_scope": [{"type": scope, "namespaces": namespaces}], "timeouts": None}
    unknown = {"associated_at": True, "id": True, "modified_at": True, "access_scope": [{"namespaces": [False] * len(namespaces or [])}]}
    if principal is None:
        unknown["principal_arn"] = True
    else:
        after["principal_arn"] = principal
    rc = {"address": f"aws_eks_access_policy_association.{name}", "mode": "managed",
          "type": "aws_eks_access_policy_association", "name": name, "provider_name": aws,
          "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unknown,
                     "before_sensitive": False, "after_sensitive": {"access_scope": [{"namespaces": [False] * len(namespaces or [])}]}}}
    plan["resource_changes"].append(rc)
    plan["planned_values"]["root_module"].setdefault("resources", []).append({
        "address": rc["address"], "mode": "managed", "type": rc["type"], "name": name, "provider_name": aws,
        "schema_version": 0, "values": after, "sensitive_values": {"access_scope": [{}]}})
json.dump(plan, open(os.path.join(d, "plan.json"), "w"), indent=2)
