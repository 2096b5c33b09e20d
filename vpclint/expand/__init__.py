"""What CloudFormation does to templates before it resolves them: loops, SAM, nested and linked
stacks, CDK assemblies."""
