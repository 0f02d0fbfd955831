#!/usr/bin/env python3
"""Make plan.json from plan.terraform.json (what terraform show -json wrote): add an
aws_eks_cluster (1.31) and an aws_eks_fargate_profile selecting namespace fargate-apps, in
the shape the hashicorp/aws provider writes them (the provider is not in the offline
mirror). usage: augment.py CASE_DIR"""
import json, os, sys

d = sys.argv[1]
plan = json.load(open(os.path.join(d, "plan.terraform.json")))
aws = "registry.terraform.io/hashicorp/aws"
cluster_after = {"name": "shop", "version": "1.31", "role_arn": "arn:aws:iam::210987654321:role/eks-cluster",
                 "vpc_config": [{"subnet_ids": ["subnet-0a1", "subnet-0b2"], "endpoint_private_access": True,
                                 "endpoint_public_access": False, "public_access_cidrs": None, "security_group_ids": None}],
                 "enabled_cluster_log_types": None, "tags": None, "timeouts": None}
cluster_unknown = {"arn": True, "certificate_authority": True, "created_at": True, "endpoint": True, "id": True,
                   "identity": True, "platform_version": True, "status": True, "tags_all": True,
                   "kubernetes_network_config": True, "access_config": True,
                   "vpc_config": [{"cluster_security_group_id": True, "vpc_id": True, "subnet_ids": [False, False]}]}
fp_after = {"cluster_name": "shop", "fargate_profile_name": "apps",
            "pod_execution_role_arn": "arn:aws:iam::210987654321:role/eks-fargate-pods",
            "selector": [{"namespace": "fargate-apps", "labels": None}],
            "subnet_ids": ["subnet-0a1", "subnet-0b2"], "tags": None, "timeouts": None}
fp_unknown = {"arn": True, "id": True, "status": True, "tags_all": True, "selector": [{}], "subnet_ids": [False, False]}
for typ, name, after, unk in [("aws_eks_cluster", "shop", cluster_after, cluster_unknown),
                              ("aws_eks_fargate_profile", "apps", fp_after, fp_unknown)]:
    rc = {"address": f"{typ}.{name}", "mode": "managed", "type": typ, "name": name, "provider_name": aws,
          "change": {"actions": ["create"], "before": None, "after": after, "after_unknown": unk,
                     "before_sensitive": False, "after_sensitive": {}}}
    plan["resource_changes"].append(rc)
    plan["planned_values"]["root_module"].setdefault("resources", []).append({
        "address": rc["address"], "mode": "managed", "type": typ, "name": name, "provider_name": aws,
        "schema_version": 0, "values": after, "sensitive_values": {}})
json.dump(plan, open(os.path.join(d, "plan.json"), "w"), indent=2)
